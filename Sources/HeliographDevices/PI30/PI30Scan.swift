import Logging

import class Foundation.NSNull

extension ScanProbe {
    /// USB-HID inverters (0665:5161) and USB serial ports, each asked QPI/QID (`PI30Probe`).
    public static let pi30 = ScanProbe { request, logger in
        let finder = LocalDeviceFinder(sysfsRoot: request.sysfsRoot, deviceRoot: request.deviceRoot)
        let hid = finder.hidInverters()
        var serial = finder.serialPorts()
        for path in request.extraSerialPorts where !serial.contains(where: { $0.path == path || $0.stablePath == path }) {
            serial.append(SerialPortCandidate(path: path, stablePath: nil))
        }
        async let hidAnswers = PI30ScanFindings.probeAll(hid.map(\.path), hid: true, request: request, logger: logger)
        async let serialAnswers = PI30ScanFindings.probeAll(serial.map(\.path), hid: false, request: request, logger: logger)
        return PI30ScanFindings(
            hidInverters: zip(hid, await hidAnswers).map { .init(candidate: $0, probe: $1) },
            serialPorts: zip(serial, await serialAnswers).map { .init(candidate: $0, probe: $1) }
        )
    }
}

/// The PI30 family's scan: what each HID node and serial port answered.
public struct PI30ScanFindings: ScanFindings, Hashable {
    public struct HIDInverter: Sendable, Hashable {
        public var candidate: HIDInverterCandidate
        public var probe: PI30ProbeResult
    }

    public struct SerialPort: Sendable, Hashable {
        public var candidate: SerialPortCandidate
        public var probe: PI30ProbeResult
    }

    public var hidInverters: [HIDInverter] = []
    public var serialPorts: [SerialPort] = []

    /// Probes run concurrently, each bounded by the request's `probeTimeout`.
    static func probeAll(_ paths: [String], hid: Bool, request: ScanRequest, logger: Logger) async -> [PI30ProbeResult] {
        guard request.probe else { return paths.map { _ in .notProbed } }
        return await withTaskGroup(of: (Int, PI30ProbeResult).self) { group in
            for (index, path) in paths.enumerated() {
                group.addTask {
                    (index, await PI30Probe.probe(path: path, hid: hid, baud: request.baud, timeout: request.probeTimeout, logger: logger))
                }
            }
            var results = [PI30ProbeResult](repeating: .notProbed, count: paths.count)
            for await (index, result) in group { results[index] = result }
            return results
        }
    }

    /// HID inverters always (the USB ids are specific), serial ports only when they answered PI30.
    public var configurationEntries: [ScanEntry] {
        var entries: [ScanEntry] = []
        func nextID() -> String { entries.isEmpty ? "inverter" : "inverter_\(entries.count + 1)" }
        for inverter in hidInverters {
            var lines = ["type: pi30", "port: \(inverter.candidate.path)" + Self.comment(for: inverter.probe)]
            if let port = inverter.candidate.physicalPort { lines.append("# USB port \(port); hidraw numbers can change when devices are replugged") }
            entries.append(ScanEntry(id: nextID(), lines: lines))
        }
        for port in serialPorts where port.probe.isPI30 {
            entries.append(ScanEntry(id: nextID(), lines: ["type: pi30", "port: \(port.candidate.configurationPath)" + Self.comment(for: port.probe), "baud: 2400"]))
        }
        return entries
    }

    public var listing: [String] {
        var lines: [String] = []
        lines.append("USB-HID inverters (0665:5161):")
        if hidInverters.isEmpty { lines.append("  none (is the USB cable in? `lsusb` should list 0665:5161)") }
        for inverter in hidInverters {
            let name = inverter.candidate.name.map { " \($0)" } ?? ""
            lines.append("  \(inverter.candidate.path)\(name): \(inverter.probe.summary)")
        }
        lines.append("Serial ports:")
        if serialPorts.isEmpty { lines.append("  none (/dev/ttyUSB*, /dev/ttyACM*)") }
        for port in serialPorts {
            let stable = port.candidate.stablePath.map { " (\($0))" } ?? ""
            lines.append("  \(port.candidate.path)\(stable): \(port.probe.summary)")
        }
        let probes = hidInverters.map(\.probe) + serialPorts.map(\.probe)
        if probes.contains(where: { if case .noAnswer(let reason) = $0 { reason.contains("Permission denied") || reason.contains("permission") } else { false } }) {
            lines.append("")
            lines.append("Some ports could not be opened: add your user to the port's group (ls -l the device; usually dialout")
            lines.append("for serial, the group of packaging/udev/60-heliograph.rules for HID) and log in again, or run the scan with sudo.")
        }
        return lines
    }

    /// `hid` and `serial`; each probe is `{"result": "pi30"|"other"|"no_answer"|"not_probed", …}`.
    public var json: [String: Any] {
        [
            "hid": hidInverters.map { inverter -> [String: Any] in
                var entry: [String: Any] = ["path": inverter.candidate.path, "probe": Self.json(inverter.probe)]
                if let name = inverter.candidate.name { entry["name"] = name }
                if let port = inverter.candidate.physicalPort { entry["physical_port"] = port }
                return entry
            },
            "serial": serialPorts.map { port -> [String: Any] in
                var entry: [String: Any] = ["path": port.candidate.path, "probe": Self.json(port.probe)]
                if let stable = port.candidate.stablePath { entry["stable_path"] = stable }
                return entry
            },
        ]
    }

    private static func comment(for probe: PI30ProbeResult) -> String {
        switch probe {
        case .pi30(let id, let serial): "    # answered \(id)" + (serial.map { ", serial \($0)" } ?? "")
        case .otherProtocol(let id): "    # answered \(id), not PI30: check the driver"
        case .noAnswer: "    # did not answer the probe (see the listing)"
        case .notProbed: ""
        }
    }

    private static func json(_ probe: PI30ProbeResult) -> [String: Any] {
        switch probe {
        case .pi30(let id, let serial): ["result": "pi30", "protocol": id, "serial": serial ?? NSNull()]
        case .otherProtocol(let id): ["result": "other", "protocol": id]
        case .noAnswer(let reason): ["result": "no_answer", "reason": reason]
        case .notProbed: ["result": "not_probed"]
        }
    }
}
