import HeliographConfigFile
import HeliographCore

extension MQTTSensorOptions {
    /// Where the web shows the device (`kind:`).
    static let kinds = ["sensor", "house", "weather"]

    static func parse(_ section: ConfigurationSection) -> MQTTSensorOptions? {
        let topics = section.stringList("topics") ?? []
        let kind = section.string("kind", oneOf: kinds)
        let jsonKey = section.string("json_key")
        let staleAfter = section.duration("stale_after", in: .seconds(5)...(.seconds(7 * 86_400)))
        let maximumFieldsPerMessage = section.int("max_fields_per_message", in: 1...10_000)
        let maximumSeries = section.int("max_series", in: 1...100_000)
        var valid = true
        for topic in topics where !MQTTTopicNames.isTopicFilter(topic) {
            section.problem("topics", "'\(topic)' is not a topic filter ('+' and '#' only as whole levels, '#' last)")
            valid = false
        }
        var fields: [Field] = []
        let fieldsSection = section.section("fields")
        for topic in fieldsSection.keys {
            guard MQTTTopicNames.isTopicLevel(topic, allowSlash: true) else {
                fieldsSection.problem(topic, "must be an exact topic (no '+' or '#')")
                valid = false
                continue
            }
            if let field = parseField(topic: topic, rule: fieldsSection.section(topic)) {
                fields.append(field)
            } else {
                valid = false
            }
        }
        if topics.isEmpty && fields.isEmpty {
            section.problem("topics", "missing; topic filters like [house/+, weather/#] (or map exact topics under fields)")
            return nil
        }
        guard valid else { return nil }
        var options = MQTTSensorOptions(topics: topics, kind: kind ?? "sensor", jsonKey: jsonKey, fields: fields)
        if let staleAfter { options.staleAfter = staleAfter }
        if let maximumFieldsPerMessage { options.maximumFieldsPerMessage = maximumFieldsPerMessage }
        if let maximumSeries { options.maximumSeries = maximumSeries }
        if fields.count > options.maximumSeries {
            section.problem("max_series", "is \(options.maximumSeries) but \(fields.count) fields are mapped; raise it")
            return nil
        }
        return options
    }

    /// One `fields.<topic>` rule; nil (with its problems reported) when unusable.
    private static func parseField(topic: String, rule: ConfigurationSection) -> Field? {
        let field = rule.string("field")
        let name = rule.string("name")
        let unitText = rule.string("unit")
        let ruleKey = rule.string("json_key")
        let scaleText = rule.string("scale")
        rule.reportUnknownKeys(allowed: ["field", "name", "unit", "json_key", "scale"])
        var valid = true
        var unit: FieldDescriptor.Unit?
        if let unitText {
            unit = parseUnit(unitText)
            if unit == nil {
                rule.problem("unit", "unknown unit '\(unitText)'; one of \(FieldDescriptor.Unit.allCases.map(\.rawValue).filter { !$0.isEmpty }.joined(separator: ", "))")
                valid = false
            }
        }
        var scale = 1.0
        if let scaleText {
            if let value = Double(scaleText), value.isFinite, value != 0 { scale = value } else {
                rule.problem("scale", "must be a non-zero number; got '\(scaleText)'")
                valid = false
            }
        }
        guard let field, FieldID(field).isValidFieldName else {
            rule.problem("field", "missing or not a field id (a-z, 0-9, '_'), e.g. kitchen_temperature_c")
            return nil
        }
        return valid ? Field(topic: topic, field: FieldID(field), name: name, unit: unit, jsonKey: ruleKey, scale: scale) : nil
    }

    /// Unit names as written in the file: the symbol itself, or a plain-ASCII spelling.
    static func parseUnit(_ text: String) -> FieldDescriptor.Unit? {
        if let unit = FieldDescriptor.Unit(rawValue: text) { return unit }
        let aliases: [String: FieldDescriptor.Unit] = [
            "c": .celsius, "degc": .celsius, "celsius": .celsius, "pct": .percent, "percent": .percent, "kmh": .kilometrePerHour,
            "km/h": .kilometrePerHour, "wm2": .wattPerSquareMetre, "w/m2": .wattPerSquareMetre, "deg": .degree, "degree": .degree,
            "none": FieldDescriptor.Unit.none, "w": .watt, "kw": .kilowatt, "wh": .wattHour, "kwh": .kilowattHour, "v": .volt, "a": .ampere,
            "hz": .hertz, "hpa": .hectopascal, "mm": .millimetre, "va": .voltAmpere, "ah": .ampereHour, "s": .second,
        ]
        return aliases[text.lowercased()]
    }
}

extension FieldID {
    /// `a-z`, `0-9` and `_`, starting with a letter, at most 64 characters.
    var isValidFieldName: Bool {
        let scalars = rawValue.unicodeScalars
        guard let first = scalars.first, ("a"..."z").contains(first), scalars.count <= 64 else { return false }
        return scalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
