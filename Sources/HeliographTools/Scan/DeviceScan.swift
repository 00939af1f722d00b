import HeliographCore
import HeliographDevices
import HeliographSolarman
import Logging

/// `heliograph scan`: local PI30 inverters (USB HID and serial, each probed) and Solarman loggers
/// on the network, with a configuration snippet for what was found.
public struct DeviceScan: Sendable {
    public struct Options: Sendable {
        public var finder = LocalDeviceFinder()
        /// Ask every candidate port QPI/QID. Without it, HID inverters still get a snippet; serial ports do not.
        public var probe = true
        /// Longest wait for each probe answer.
        public var probeTimeout: Duration = .seconds(2)
        /// Serial speed for the probe (PI30 inverters use 2400).
        public var baud = 2_400
        /// More ports to probe as serial, e.g. `/dev/ttyS0` or `/dev/ttyAMA0` on a Pi's header.
        public var extraSerialPorts: [String] = []
        /// Send Solarman discovery on UDP.
        public var network = true
        public var solarmanAddress = "255.255.255.255"
        public var solarmanPort = SolarmanDiscovery.port
        public var solarmanTimeout: Duration = .seconds(1)

        public init() {}
    }

    public struct HIDInverter: Sendable, Hashable {
        public var candidate: HIDInverterCandidate
        public var probe: PI30ProbeResult
    }

    public struct SerialPort: Sendable, Hashable {
        public var candidate: SerialPortCandidate
        public var probe: PI30ProbeResult
    }

    public struct Report: Sendable, Hashable {
        public var hidInverters: [HIDInverter] = []
        public var serialPorts: [SerialPort] = []
        public var solarmanLoggers: [SolarmanDiscovery.Reply] = []
        /// Why the network part found nothing, when it failed (no network, no permission to broadcast).
        public var networkProblem: String?
    }

    public var options: Options

    public init(options: Options = Options()) { self.options = options }

    /// Runs every part; probes run concurrently, each bounded by `probeTimeout`.
    public func run(logger: Logger) async -> Report {
        var report = Report()
        let hid = options.finder.hidInverters()
        var serial = options.finder.serialPorts()
        for path in options.extraSerialPorts where !serial.contains(where: { $0.path == path || $0.stablePath == path }) {
            serial.append(SerialPortCandidate(path: path, stablePath: nil))
        }
        let probeOptions = options
        async let hidResults = Self.probeAll(hid.map(\.path), hid: true, options: probeOptions, logger: logger)
        async let serialResults = Self.probeAll(serial.map(\.path), hid: false, options: probeOptions, logger: logger)
        async let loggers = Self.discoverLoggers(options: probeOptions, logger: logger)
        let hidAnswers = await hidResults
        let serialAnswers = await serialResults
        report.hidInverters = zip(hid, hidAnswers).map { HIDInverter(candidate: $0, probe: $1) }
        report.serialPorts = zip(serial, serialAnswers).map { SerialPort(candidate: $0, probe: $1) }
        (report.solarmanLoggers, report.networkProblem) = await loggers
        return report
    }

    private static func probeAll(_ paths: [String], hid: Bool, options: Options, logger: Logger) async -> [PI30ProbeResult] {
        guard options.probe else { return paths.map { _ in .notProbed } }
        return await withTaskGroup(of: (Int, PI30ProbeResult).self) { group in
            for (index, path) in paths.enumerated() {
                group.addTask {
                    (index, await PI30Probe.probe(path: path, hid: hid, baud: options.baud, timeout: options.probeTimeout, logger: logger))
                }
            }
            var results = [PI30ProbeResult](repeating: .notProbed, count: paths.count)
            for await (index, result) in group { results[index] = result }
            return results
        }
    }

    private static func discoverLoggers(options: Options, logger: Logger) async -> ([SolarmanDiscovery.Reply], String?) {
        guard options.network else { return ([], nil) }
        do {
            let found = try await SolarmanScanner.scan(
                address: options.solarmanAddress,
                port: options.solarmanPort,
                timeout: options.solarmanTimeout,
                logger: logger
            )
            return (found, nil)
        } catch let error as HeliographError {
            return ([], error.message)
        } catch {
            return ([], "\(error)")
        }
    }
}
