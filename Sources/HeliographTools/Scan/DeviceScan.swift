import HeliographDevices
import Logging

/// `heliograph scan`: asks every registered device family with a scan probe to look for its
/// devices (local ports, the LAN), and renders what they saw with a configuration snippet.
/// Which families can be found, and how, is theirs to say (`DeviceFamily.scanProbe`).
public struct DeviceScan: Sendable {
    public struct Options: Sendable {
        /// Where local candidates are looked for (sysfs and device roots; a fake tree in tests).
        public var finder = LocalDeviceFinder()
        /// Ask every candidate port. Without it, HID inverters still get a snippet; serial ports do not.
        public var probe = true
        /// Longest wait for each probe answer.
        public var probeTimeout: Duration = .seconds(2)
        /// Serial speed for the probe (PI30 inverters use 2400).
        public var baud = 2_400
        /// More ports to probe as serial, e.g. `/dev/ttyS0` or `/dev/ttyAMA0` on a Pi's header.
        public var extraSerialPorts: [String] = []
        /// Send network discovery (Solarman loggers on UDP).
        public var network = true
        public var solarmanAddress = "255.255.255.255"
        public var solarmanPort: Int?
        public var solarmanTimeout: Duration = .seconds(1)

        public init() {}

        /// The request each family's probe gets.
        var request: ScanRequest {
            var request = ScanRequest()
            request.sysfsRoot = finder.sysfsRoot
            request.deviceRoot = finder.deviceRoot
            request.probe = probe
            request.probeTimeout = probeTimeout
            request.baud = baud
            request.extraSerialPorts = extraSerialPorts
            request.network = network
            request.discoveryAddress = solarmanAddress
            request.discoveryPort = solarmanPort
            request.discoveryTimeout = solarmanTimeout
            return request
        }
    }

    /// What every family's probe saw, in registration order.
    public struct Report: Sendable {
        public var findings: [any ScanFindings] = []

        /// The findings of one family's probe, e.g. `PI30ScanFindings`.
        public func findings<Findings: ScanFindings>(_ type: Findings.Type) -> Findings? {
            findings.lazy.compactMap { $0 as? Findings }.first
        }
    }

    public var options: Options
    /// The families asked; normally every registered one.
    public var families: [DeviceFamily]

    public init(options: Options = Options(), families: [DeviceFamily] = DeviceFamilies.all) {
        self.options = options
        self.families = families
    }

    /// Runs every family's probe at once; each bounds its own waits.
    public func run(logger: Logger) async -> Report {
        let probes = families.compactMap(\.scanProbe)
        let request = options.request
        let findings = await withTaskGroup(of: (Int, any ScanFindings).self) { group in
            for (index, probe) in probes.enumerated() {
                group.addTask { (index, await probe.run(request, logger: logger)) }
            }
            var found: [(Int, any ScanFindings)] = []
            for await result in group { found.append(result) }
            return found.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return Report(findings: findings)
    }
}
