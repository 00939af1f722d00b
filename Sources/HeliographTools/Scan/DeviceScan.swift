import HeliographDevices
import Logging

/// `heliograph scan`: asks every registered device family with a scan probe to look for its
/// devices (local ports, the LAN), and renders what they saw with a configuration snippet.
/// Which families can be found, and how, is theirs to say (`DeviceFamily.scanProbe`).
public struct DeviceScan: Sendable {
    /// What every family's probe saw, in registration order.
    public struct Report: Sendable {
        public var findings: [any ScanFindings] = []

        /// The findings of one family's probe, e.g. `PI30ScanFindings`.
        public func findings<Findings: ScanFindings>(_ type: Findings.Type) -> Findings? {
            findings.lazy.compactMap { $0 as? Findings }.first
        }
    }

    /// What to look for and how long to wait; each family's probe reads the parts that concern it.
    public var request: ScanRequest
    /// The families asked; normally every registered one.
    public var families: [DeviceFamily]

    public init(request: ScanRequest = ScanRequest(), families: [DeviceFamily] = DeviceFamilies.all) {
        self.request = request
        self.families = families
    }

    /// Runs every family's probe at once; each bounds its own waits.
    public func run(logger: Logger) async -> Report {
        let probes = families.compactMap(\.scanProbe)
        let request = self.request
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
