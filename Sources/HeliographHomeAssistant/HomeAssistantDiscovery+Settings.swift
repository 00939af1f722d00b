import Foundation
import HeliographCore

extension HomeAssistantDiscovery.Topics {
    /// Where a setting change is requested: `<base>/<device>/set/<setting>`, payload the value alone.
    public func command(_ device: DeviceID, _ setting: String) -> String { "\(base)/\(device.rawValue)/set/\(setting)" }
    /// The outcome of each request on `command(_:_:)`, as JSON (not retained).
    public func commandResult(_ device: DeviceID, _ setting: String) -> String { "\(command(device, setting))/result" }
    /// Retained current value of a setting, as the device reports it.
    public func setting(_ device: DeviceID, _ setting: String) -> String { "\(base)/\(device.rawValue)/setting/\(setting)" }
    /// Matches every command topic.
    public var commandFilter: String { "\(base)/+/set/+" }

    /// The device and setting a command topic names, nil for any other topic.
    public func parseCommand(_ topic: String) -> (device: DeviceID, setting: String)? {
        guard topic.hasPrefix(base + "/") else { return nil }
        let levels = topic.dropFirst(base.count + 1).split(separator: "/", omittingEmptySubsequences: false)
        guard levels.count == 3, levels[1] == "set", !levels[0].isEmpty, !levels[2].isEmpty else { return nil }
        return (DeviceID(String(levels[0])), String(levels[2]))
    }
}

extension HomeAssistantDiscovery {
    /// The `select`, `number` or `switch` component for one setting: HA publishes the chosen value
    /// on the command topic and shows the value we publish on the setting topic.
    func component(for setting: SettingDescriptor, of device: DeviceID) -> (key: String, value: [String: Any]) {
        let node = Self.nodeID(device)
        let objectID = Self.sanitize(setting.id) + "_setting"
        let uniqueID = "\(node)_\(objectID)"
        var component: [String: Any] = [
            "unique_id": uniqueID,
            "object_id": uniqueID,
            "name": setting.name,
            "command_topic": topics.command(device, setting.id),
            "state_topic": topics.setting(device, setting.id),
            "entity_category": "config",
            "qos": 1,
            "retain": false,
        ]
        switch setting.values {
        case .choice(let options):
            component["platform"] = "select"
            component["default_entity_id"] = "select.\(uniqueID)"
            component["options"] = options
        case .number(let range, let step, let unit):
            component["platform"] = "number"
            component["default_entity_id"] = "number.\(uniqueID)"
            component["min"] = range.lowerBound
            component["max"] = range.upperBound
            component["step"] = max(step, 0.001)
            component["mode"] = "box"
            if !unit.rawValue.isEmpty { component["unit_of_measurement"] = unit.rawValue }
        case .toggle:
            component["platform"] = "switch"
            component["default_entity_id"] = "switch.\(uniqueID)"
            component["payload_on"] = "ON"
            component["payload_off"] = "OFF"
        }
        return (objectID, component)
    }
}

extension SettingValue {
    /// The value as published on a setting topic: a choice's label, a number (whole numbers
    /// without a decimal point, as HA sends them), `ON`/`OFF`.
    public var mqttPayload: String {
        switch self {
        case .choice(let label): label
        case .number(let number):
            number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .toggle(let on): on ? "ON" : "OFF"
        }
    }

    /// Reads a command payload for `values`: an option label, a number, or ON/OFF (also
    /// true/false, 1/0). Surrounding whitespace and JSON string quotes are ignored.
    public init?(mqttPayload text: String, for values: SettingDescriptor.Values) {
        var trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count >= 2, trimmed.hasPrefix("\""), trimmed.hasSuffix("\"") { trimmed = String(trimmed.dropFirst().dropLast()) }
        switch values {
        case .choice(let options):
            guard !trimmed.isEmpty else { return nil }
            self = .choice(options.first { $0.caseInsensitiveCompare(trimmed) == .orderedSame } ?? trimmed)
        case .number:
            guard let number = Double(trimmed), number.isFinite else { return nil }
            self = .number(number)
        case .toggle:
            switch trimmed.lowercased() {
            case "on", "true", "1": self = .toggle(true)
            case "off", "false", "0": self = .toggle(false)
            default: return nil
            }
        }
    }

    /// The setting value a read-back field holds in a sample.
    public init?(_ value: FieldValue) {
        switch value {
        case .number(let number) where number.isFinite: self = .number(number)
        case .number: return nil
        case .flag(let on): self = .toggle(on)
        case .text(let label): self = .choice(label)
        }
    }
}
