import HeliographDevices

extension DeviceScan.Report {
    /// True when at least one device can go into a configuration.
    public var foundDevices: Bool { !configurationEntries.isEmpty }

    /// One entry under `devices:` per inverter found: HID inverters always (the USB ids are
    /// specific), serial ports only when they answered PI30, and every Solarman logger.
    var configurationEntries: [(id: String, lines: [String])] {
        var entries: [(id: String, lines: [String])] = []
        var pi30Count = 0
        func nextPI30ID() -> String {
            pi30Count += 1
            return pi30Count == 1 ? "inverter" : "inverter_\(pi30Count)"
        }
        for inverter in hidInverters {
            var lines = ["type: pi30", "port: \(inverter.candidate.path)" + Self.comment(for: inverter.probe)]
            if let port = inverter.candidate.physicalPort { lines.append("# USB port \(port); hidraw numbers can change when devices are replugged") }
            entries.append((nextPI30ID(), lines))
        }
        for port in serialPorts where port.probe.isPI30 {
            entries.append((nextPI30ID(), ["type: pi30", "port: \(port.candidate.configurationPath)" + Self.comment(for: port.probe), "baud: 2400"]))
        }
        for (index, logger) in solarmanLoggers.enumerated() {
            let id = index == 0 ? "deye" : "deye_\(index + 1)"
            entries.append(
                (id, [
                    "type: deye", "host: \(logger.ip)                # logger MAC \(logger.mac)", "transport: v5",
                    "logger_serial: \(logger.serial)", "model: deye_single_phase_hybrid   # or deye_three_phase_hybrid_lv|_hv, deye_string, deye_micro",
                ])
            )
        }
        return entries
    }

    /// A `devices:` section that `heliograph config check` accepts, or nil when nothing was found.
    public var configurationSnippet: String? {
        let entries = configurationEntries
        guard !entries.isEmpty else { return nil }
        var text = "devices:\n"
        for entry in entries {
            text += "  \(entry.id):\n"
            for line in entry.lines { text += "    \(line)\n" }
        }
        return text
    }

    /// The human listing: what was seen, what answered, and hints for what did not.
    public var listing: String {
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
        lines.append("Solarman loggers (UDP 48899):")
        if let networkProblem {
            lines.append("  not scanned: \(networkProblem)")
        } else if solarmanLoggers.isEmpty {
            lines.append("  none answered (newer logger firmwares do not; use the IP and the serial printed on the stick)")
        }
        for logger in solarmanLoggers { lines.append("  \(logger.ip)  MAC \(logger.mac)  serial \(logger.serial)") }
        let probes = hidInverters.map(\.probe) + serialPorts.map(\.probe)
        if probes.contains(where: { if case .noAnswer(let reason) = $0 { reason.contains("Permission denied") || reason.contains("permission") } else { false } }) {
            lines.append("")
            lines.append("Some ports could not be opened: add your user to the port's group (ls -l the device; usually dialout")
            lines.append("for serial, the group of packaging/udev/60-heliograph.rules for HID) and log in again, or run the scan with sudo.")
        }
        return lines.joined(separator: "\n")
    }

    private static func comment(for probe: PI30ProbeResult) -> String {
        switch probe {
        case .pi30(let id, let serial): "    # answered \(id)" + (serial.map { ", serial \($0)" } ?? "")
        case .otherProtocol(let id): "    # answered \(id), not PI30: check the driver"
        case .noAnswer: "    # did not answer the probe (see the listing)"
        case .notProbed: ""
        }
    }
}
