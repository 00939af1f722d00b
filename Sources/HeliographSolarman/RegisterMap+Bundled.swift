import Foundation
import HeliographCore

extension RegisterMap {
    /// Names of the maps shipped with Heliograph.
    public static let bundledNames = [
        "deye_single_phase_hybrid",
        "deye_three_phase_hybrid_lv",
        "deye_three_phase_hybrid_hv",
        "deye_string",
        "deye_micro",
    ]

    /// Loads a bundled map by name (`deye_single_phase_hybrid`, ...).
    public static func bundled(_ name: String) throws(HeliographError) -> RegisterMap {
        guard let url = bundledURL(name) else {
            throw HeliographError(
                .invalidConfiguration,
                "unknown register map \(name); bundled maps: \(bundledNames.joined(separator: ", "))"
            )
        }
        return try load(contentsOf: url)
    }

    /// The JSON file of a bundled map, or nil for an unknown name.
    public static func bundledURL(_ name: String) -> URL? {
        guard bundledNames.contains(name) else { return nil }
        return Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "RegisterMaps")
    }

    /// Loads a map from a JSON file of the bundled shape (user-supplied maps).
    public static func load(contentsOf url: URL) throws(HeliographError) -> RegisterMap {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw HeliographError(.invalidConfiguration, "cannot read register map \(url.path)", underlying: error)
        }
        return try decode(data, source: url.lastPathComponent)
    }

    /// Decodes a map from JSON and checks it is usable.
    public static func decode(_ data: Data, source: String = "register map") throws(HeliographError) -> RegisterMap {
        let map: RegisterMap
        do {
            map = try JSONDecoder().decode(RegisterMap.self, from: data)
        } catch {
            throw HeliographError(.invalidConfiguration, "\(source) is not a valid register map", underlying: error)
        }
        var seen = Set<FieldID>()
        for field in map.fields where !seen.insert(field.id).inserted {
            throw HeliographError(.invalidConfiguration, "\(source) defines field \(field.id) twice")
        }
        for setting in map.settings where map.field(setting.readBack) == nil {
            throw HeliographError(.invalidConfiguration, "\(source): setting \(setting.id) reads back unknown field \(setting.readBack)")
        }
        guard map.function == 3 || map.function == 4 else {
            throw HeliographError(.invalidConfiguration, "\(source): read function must be 3 or 4, not \(map.function)")
        }
        return map
    }
}
