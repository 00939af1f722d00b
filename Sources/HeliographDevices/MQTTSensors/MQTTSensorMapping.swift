import Foundation
import HeliographCore
import HeliographMQTTCodec
import NIOCore

/// How generic sensor topics (`house/kitchen`, `weather/temperature_c`, Zigbee2MQTT-style JSON)
/// become fields of one device.
///
/// A topic matching one of `filters` names its field by the topic levels below the filter's fixed
/// part (`house/+` and `house/kitchen_temp` → `kitchen_temp`), unless a rule in `rules` names it.
/// Payloads may be a bare number, `ON`/`OFF`/`true`/`false`, other text, or JSON: a number, or an
/// object whose `json_key` (or `value`) is taken, or else every member becomes
/// `<field>_<member>` (`{"temperature":21.5,"humidity":40}` on `house/kitchen` →
/// `kitchen_temperature`, `kitchen_humidity`).
public struct MQTTSensorMapping: Sendable, Hashable {
    /// An explicit mapping of one topic.
    public struct Rule: Sendable, Hashable {
        public var field: FieldID
        public var name: String?
        public var unit: FieldDescriptor.Unit?
        /// Member of a JSON object payload to read.
        public var jsonKey: String?
        /// Multiplied into numeric values (e.g. 0.1 for tenths).
        public var scale: Double

        public init(field: FieldID, name: String? = nil, unit: FieldDescriptor.Unit? = nil, jsonKey: String? = nil, scale: Double = 1) {
            self.field = field
            self.name = name
            self.unit = unit
            self.jsonKey = jsonKey
            self.scale = scale
        }
    }

    public var filters: [String]
    /// Rules by exact topic.
    public var rules: [String: Rule]
    /// Member of JSON object payloads to read when a topic has no rule; nil reads `value`, or else every member.
    public var jsonKey: String?

    public init(filters: [String], rules: [String: Rule] = [:], jsonKey: String? = nil) {
        self.filters = filters
        self.rules = rules
        self.jsonKey = jsonKey
    }

    /// Every topic to subscribe to: the filters and the topics of rules.
    public var subscriptions: [String] {
        var all = filters
        for topic in rules.keys.sorted() where !all.contains(topic) { all.append(topic) }
        return all
    }

    /// Fields the rules declare, described up front.
    public var declaredFields: [FieldDescriptor] {
        rules.values.sorted { $0.field < $1.field }.map { rule in
            SensorUnits.describe(rule.field, name: rule.name, unit: rule.unit)
        }
    }

    /// The values one message carries. Throws `malformedFrame` for an empty payload or JSON with nothing usable.
    public func decode(topic: String, payload: ByteBuffer) throws(HeliographError) -> [FieldID: FieldValue] {
        let text = String(buffer: payload).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw HeliographError(.malformedFrame, "\(topic): empty payload") }
        let rule = rules[topic]
        guard let base = rule?.field.rawValue ?? fieldName(for: topic) else { return [:] }
        let scale = rule?.scale ?? 1
        var values: [FieldID: FieldValue] = [:]
        if text.first == "{" || text.first == "[" {
            guard let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)), let object = json as? [String: Any] else {
                throw HeliographError(.malformedFrame, "\(topic): not a JSON object: \(text.prefix(200))")
            }
            if let key = rule?.jsonKey ?? jsonKey ?? (object["value"] != nil ? "value" : nil) {
                guard let value = Self.value(object[key], scale: scale) else {
                    throw HeliographError(.malformedFrame, "\(topic): no usable '\(key)' in \(text.prefix(200))")
                }
                values[FieldID(base)] = value
            } else {
                for (member, raw) in object {
                    guard let value = Self.value(raw, scale: scale) else { continue }
                    values[FieldID(base + "_" + Self.sanitize(member))] = value
                }
                guard !values.isEmpty else { throw HeliographError(.malformedFrame, "\(topic): no usable members in \(text.prefix(200))") }
            }
        } else {
            values[FieldID(base)] = Self.value(text, scale: scale) ?? .text(String(text.prefix(200)))
        }
        return values
    }

    /// The field a topic names: the levels the first matching filter leaves open, joined by `_`.
    func fieldName(for topic: String) -> String? {
        for filter in filters {
            guard let parsed = try? TopicFilter(filter), parsed.matches(topic) else { continue }
            let fixed = filter.split(separator: "/", omittingEmptySubsequences: false).prefix { $0 != "+" && $0 != "#" }.count
            let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
            let open = levels.count > fixed ? levels[fixed...] : levels.suffix(1)
            let name = Self.sanitize(open.joined(separator: "_"))
            return name.isEmpty ? nil : name
        }
        return nil
    }

    static func value(_ raw: Any?, scale: Double) -> FieldValue? {
        switch raw {
        case let text as String:
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            switch trimmed.lowercased() {
            case "on", "true": return .flag(true)
            case "off", "false": return .flag(false)
            default: break
            }
            if let number = Double(trimmed), number.isFinite { return .number(number * scale) }
            return nil
        case let flag as Bool: return .flag(flag)
        case let number as NSNumber: return number.doubleValue.isFinite ? .number(number.doubleValue * scale) : nil
        default: return nil
        }
    }

    /// Lower case, `[a-z0-9_]` only, at most 64 characters: a valid field id.
    static func sanitize(_ text: String) -> String {
        let mapped = text.lowercased().unicodeScalars.map { ("a"..."z").contains($0) || ("0"..."9").contains($0) ? Character($0) : "_" }
        var result = ""
        for character in mapped where !(character == "_" && result.last == "_") { result.append(character) }
        return String(result.trimmingCharacters(in: CharacterSet(charactersIn: "_")).prefix(64))
    }
}

/// Units guessed from a field's name, so `kitchen_temperature` shows °C and `pv_w` shows W.
public enum SensorUnits {
    private static let suffixes: [(String, FieldDescriptor.Unit)] = [
        ("_kwh", .kilowattHour), ("_wh", .wattHour), ("_kw", .kilowatt), ("_w", .watt), ("_va", .voltAmpere), ("_v", .volt), ("_a", .ampere),
        ("_hz", .hertz), ("_c", .celsius), ("_pct", .percent), ("_percent", .percent), ("_hpa", .hectopascal), ("_mm", .millimetre),
        ("_kmh", .kilometrePerHour), ("_wm2", .wattPerSquareMetre), ("_deg", .degree),
        ("temperature", .celsius), ("humidity", .percent), ("pressure", .hectopascal), ("power", .watt), ("voltage", .volt),
        ("current", .ampere), ("energy", .kilowattHour), ("battery", .percent), ("irradiance", .wattPerSquareMetre),
        ("illuminance", .none), ("precipitation", .millimetre), ("rain", .millimetre), ("wind_speed", .kilometrePerHour),
    ]

    public static func unit(for field: String) -> FieldDescriptor.Unit {
        suffixes.first { field.hasSuffix($0.0) }?.1 ?? .none
    }

    /// A numeric sensor field: a measurement, or a lifetime counter for energy units.
    public static func describe(_ field: FieldID, name: String? = nil, unit: FieldDescriptor.Unit? = nil) -> FieldDescriptor {
        let unit = unit ?? self.unit(for: field.rawValue)
        let name = name ?? (field.rawValue.prefix(1).uppercased() + field.rawValue.dropFirst().replacingOccurrences(of: "_", with: " "))
        if unit == .kilowattHour || unit == .wattHour {
            var counter = FieldDescriptor.energy(field, name, resetsDaily: false, precision: 2)
            counter.unit = unit
            return counter
        }
        var descriptor = FieldDescriptor.measurement(field, name, unit, precision: unit == .none ? 2 : 1)
        if field.rawValue.hasSuffix("humidity") { descriptor.deviceClass = .humidity }
        return descriptor
    }
}
