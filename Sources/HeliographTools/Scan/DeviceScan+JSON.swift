import HeliographDevices

import class Foundation.JSONSerialization
import class Foundation.NSNull
import struct Foundation.Data

extension DeviceScan.Report {
    /// One JSON object for scripts and installers: `hid`, `serial`, `solarman`, `network_problem` and
    /// `snippet` (the YAML, or null). Each probe is `{"result": "pi30"|"other"|"no_answer"|"not_probed", …}`.
    public var json: String {
        var object: [String: Any] = [
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
            "solarman": solarmanLoggers.map { ["ip": $0.ip, "mac": $0.mac, "serial": Int($0.serial)] as [String: Any] },
        ]
        object["network_problem"] = networkProblem ?? NSNull()
        object["snippet"] = configurationSnippet ?? NSNull()
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
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
