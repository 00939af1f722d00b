import HeliographDevices

import class Foundation.JSONSerialization
import class Foundation.NSNull
import struct Foundation.Data

extension DeviceScan.Report {
    /// One JSON object for scripts and installers: each family's members (`hid`, `serial`: PI30;
    /// `solarman`, `network_problem`: Deye) and `snippet` (the YAML, or null).
    public var json: String {
        var object: [String: Any] = [:]
        for findings in findings { object.merge(findings.json) { first, _ in first } }
        object["snippet"] = configurationSnippet ?? NSNull()
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
