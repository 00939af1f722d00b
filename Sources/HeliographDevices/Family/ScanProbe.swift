import Logging

/// A family's part of `heliograph scan`: looks for devices of the family on this machine or the
/// LAN and reports what it saw. The scan runs every registered family's probe at once and knows
/// no family itself.
public struct ScanProbe: Sendable {
    private let look: @Sendable (ScanRequest, Logger) async -> any ScanFindings

    /// - Parameter look: never throws; what went wrong goes into the findings (the listing says why).
    public init(_ look: @escaping @Sendable (ScanRequest, Logger) async -> any ScanFindings) {
        self.look = look
    }

    public func run(_ request: ScanRequest, logger: Logger) async -> any ScanFindings {
        await look(request, logger)
    }
}

/// What `heliograph scan` was asked for; each probe uses the parts that concern it.
public struct ScanRequest: Sendable {
    /// Roots of sysfs and of the device nodes: `/sys` and `/dev`, or a fake tree in tests.
    public var sysfsRoot = "/sys"
    public var deviceRoot = "/dev"
    /// Send read-only queries to candidate ports. Without it, ports are only listed.
    public var probe = true
    /// Longest wait for each probe answer.
    public var probeTimeout: Duration = .seconds(2)
    /// Serial speed for probes of serial ports.
    public var baud = 2_400
    /// More ports to probe as serial, e.g. `/dev/ttyS0` or `/dev/ttyAMA0` on a Pi's header.
    public var extraSerialPorts: [String] = []
    /// Look on the local network (broadcast discovery).
    public var network = true
    /// Where network discovery is sent (a broadcast address or one device's IP), its UDP port
    /// (nil: the family's own) and how long replies are awaited.
    public var discoveryAddress = "255.255.255.255"
    public var discoveryPort: Int?
    public var discoveryTimeout: Duration = .seconds(1)

    public init() {}
}

/// What one family's probe saw, rendered by the scan three ways.
public protocol ScanFindings: Sendable {
    /// The human listing: a heading per kind of place looked at, one line per thing seen, hints.
    var listing: [String] { get }
    /// One entry under `devices:` per device worth configuring, ids unique within the family.
    var configurationEntries: [ScanEntry] { get }
    /// Members of `heliograph scan --json`'s object (JSONSerialization values), by key.
    var json: [String: Any] { get }
}

/// One device for the `devices:` snippet: its id and its lines (`type: …` first), unindented.
public struct ScanEntry: Sendable, Hashable {
    public var id: String
    public var lines: [String]

    public init(id: String, lines: [String]) {
        self.id = id
        self.lines = lines
    }
}
