import HeliographCore
import HeliographSolarman

import class Foundation.NSNull

extension ScanProbe {
    /// Solarman V5 logger sticks (Deye, Sunsynk) that answer UDP discovery (`SolarmanScanner`).
    public static let deye = ScanProbe { request, logger in
        guard request.network else { return DeyeScanFindings() }
        do {
            let found = try await SolarmanScanner.scan(
                address: request.discoveryAddress,
                port: request.discoveryPort ?? SolarmanDiscovery.port,
                timeout: request.discoveryTimeout,
                logger: logger
            )
            return DeyeScanFindings(solarmanLoggers: found)
        } catch let error as HeliographError {
            return DeyeScanFindings(networkProblem: error.message)
        } catch {
            return DeyeScanFindings(networkProblem: "\(error)")
        }
    }
}

/// The Deye family's scan: the Solarman loggers that answered discovery.
public struct DeyeScanFindings: ScanFindings, Hashable {
    public var solarmanLoggers: [SolarmanDiscovery.Reply] = []
    /// Why the network part found nothing, when it failed (no network, no permission to broadcast).
    public var networkProblem: String?

    /// Every logger that answered, with the model to choose.
    public var configurationEntries: [ScanEntry] {
        solarmanLoggers.enumerated().map { index, logger in
            ScanEntry(
                id: index == 0 ? "deye" : "deye_\(index + 1)",
                lines: [
                    "type: deye", "host: \(logger.ip)                # logger MAC \(logger.mac)", "transport: v5",
                    "logger_serial: \(logger.serial)", "model: deye_single_phase_hybrid   # or deye_three_phase_hybrid_lv|_hv, deye_string, deye_micro",
                ]
            )
        }
    }

    public var listing: [String] {
        var lines = ["Solarman loggers (UDP 48899):"]
        if let networkProblem {
            lines.append("  not scanned: \(networkProblem)")
        } else if solarmanLoggers.isEmpty {
            lines.append("  none answered (newer logger firmwares do not; use the IP and the serial printed on the stick)")
        }
        for logger in solarmanLoggers { lines.append("  \(logger.ip)  MAC \(logger.mac)  serial \(logger.serial)") }
        return lines
    }

    /// `solarman` and `network_problem` (null when the network part worked or was not asked for).
    public var json: [String: Any] {
        [
            "solarman": solarmanLoggers.map { ["ip": $0.ip, "mac": $0.mac, "serial": Int($0.serial)] as [String: Any] },
            "network_problem": networkProblem ?? NSNull(),
        ]
    }
}
