import Foundation
import HeliographApp
import HeliographSolarman
import HeliographWeb

extension FuzzTargets {
    /// JSON tokens worth splicing in: structure, extreme numbers, escapes, non-finite spellings.
    static let jsonDictionary: [[UInt8]] = ([
        "{", "}", "[", "]", ",", ":", "\"", "\\u0000", "\\ud800", "null", "true", "false", "-0", "1e309", "-1e309", "1e-400",
        "9223372036854775808", "18446744073709551616", "0.1e1", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "{\"a\":", "[[[[[[[[",
    ] as [String]).map { Array($0.utf8) }

    static let httpBodies = FuzzTarget(
        name: "http-bodies",
        summary: "REST request bodies: every Decodable the API accepts, decoded as the routes decode them (first byte picks the body type)",
        seeds: [
            #"{"device":"inverter","setting":"output_source_priority","value":"SBU","dryRun":true}"#,
            #"{"device":"inverter","setting":"max_charging_current","value":40}"#,
            #"{"device":"deye-1","setting":"grid_charge","value":false}"#,
            #"{"device":"deye-1","setting":"battery_low_v","value":"46.5"}"#,
            #"{"user":"admin","password":"correct horse battery staple"}"#,
        ].enumerated().map { offset, text in [UInt8(offset < 4 ? 0 : 1)] + Array(text.utf8) },
        dictionary: jsonDictionary,
        maximumLength: 4_096
    ) { input, _ in
        guard let first = input.first else { return false }
        let kind = APIRequestBody.allCases[Int(first) % APIRequestBody.allCases.count]
        return (try? kind.decode(Array(input.dropFirst()))) != nil
    }

    /// The example configurations whole, and cut into their top-level sections: small inputs parse
    /// quickly, and splicing recombines the sections.
    static let configurationSeeds: [[UInt8]] = ConfigurationExamples.all.flatMap { example -> [[UInt8]] in
        var sections: [String] = []
        for line in example.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first != " ", first != "#" || sections.isEmpty { sections.append("") }
            if sections.isEmpty { sections.append("") }
            sections[sections.count - 1] += String(line) + "\n"
        }
        let whole = example.utf8.count <= 1_500 ? [Array(example.utf8)] : []
        return whole + sections.filter { $0.contains(":") }.map { Array($0.utf8) }
    }

    static let configurationYAML = FuzzTarget(
        name: "config-yaml",
        summary: "The YAML configuration, through the parser and checks `heliograph config check` uses",
        seeds: configurationSeeds,
        dictionary: ([
            ": ", "- ", "\n  ", "\n    ", "&a ", "*a", "<<: *a", "!!binary ", "!!float ", "!!int ", "!!map", "{", "}", "[", "]", "'", "\"", "~", "null", "---\n", "...\n",
            "? ", "|\n  ", ">\n  ", "#", "%YAML 1.1\n", "\t", "\\u0000", "1e999", ".nan", "-.inf", "0x7FFFFFFFFFFFFFFF", "99999999999999999999", "-1", "0s", "1ms", "100000d",
        ] as [String]).map { Array($0.utf8) },
        maximumLength: 4_096
    ) { input, _ in
        let text = String(decoding: input, as: UTF8.self)
        // Accepted: the text was YAML, so every check behind the parser ran on it.
        return HeliographConfiguration.parse(yaml: text, environment: [:]).configuration != nil
    }

    /// Small maps cut from the bundled ones (four fields each, with the settings that read them back):
    /// a whole map is 7 to 28 kB and would make every input a slow one.
    static let registerMapSeeds: [[UInt8]] = RegisterMap.bundledNames.flatMap { name -> [[UInt8]] in
        guard let url = RegisterMap.bundledURL(name), let data = try? Data(contentsOf: url),
            let map = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], let fields = map["fields"] as? [[String: Any]]
        else { return [] }
        let settings = map["settings"] as? [[String: Any]] ?? []
        return stride(from: 0, to: fields.count, by: 4).compactMap { start -> [UInt8]? in
            var small = map
            let kept = Array(fields[start..<min(fields.count, start + 4)])
            let ids = Set(kept.compactMap { $0["id"] as? String })
            small["fields"] = kept
            small["settings"] = settings.filter { ($0["readBack"] as? String).map { ids.contains($0) } ?? false }
            return (try? JSONSerialization.data(withJSONObject: small, options: [.sortedKeys])).map { Array($0) }
        }
    }

    /// Keys of the register-map format, for the mutator to put where they do not belong.
    static let registerMapKeys = ["registers", "sum", "multiply", "scale", "offset", "lookup", "bits", "bit", "flag", "range", "type", "options", "min", "max", "readBack", "function", "maxReadGap"]

    static let registerMaps = FuzzTarget(
        name: "register-maps",
        summary: "Register-map definition files (the bundled Deye maps' JSON shape, as user-supplied maps are loaded)",
        seeds: registerMapSeeds,
        dictionary: jsonDictionary + registerMapKeys.map { Array("\"\($0)\":".utf8) },
        maximumLength: 8_192
    ) { input, _ in
        guard let map = try? RegisterMap.decode(Data(input), source: "fuzz") else { return false }
        // A loaded map describes fields for the sinks, settings for the CommandGate's allow-list,
        // and drives reads and decoding: plan its reads and decode a plausible image.
        _ = map.fieldDescriptors
        for setting in map.settings {
            _ = setting.descriptor
            _ = setting.settingValue(from: 0xFFFF)
        }
        let plan = map.readPlan(includingSlow: true)
        var image = RegisterImage()
        for range in plan { image.insert(start: range.start, values: plausibleRegisters(Int(range.count), seed: UInt64(range.start))) }
        _ = map.decode(image)
        return true
    }
}
