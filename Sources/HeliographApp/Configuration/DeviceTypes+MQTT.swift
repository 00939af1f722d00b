import HeliographCore
import HeliographDrivers

/// Options of a Powervault P3 read from its M4 controller's MQTT topics (`type: powervault`).
/// The P3 publishes to its own Mosquitto broker: point `mqtt:` at it (or bridge it).
public struct PowervaultOptions: Sendable, Hashable {
    /// The id in the P3's topics, `pv/PV3/<device_id>/...`, e.g. `PV001001DEV`.
    public var deviceID: String
    /// Which `ffr/measurements` CT channel measures the grid, the house and the auxiliary circuit.
    /// Installations differ; defaults HOUSE, LOCAL, AUX1.
    public var gridChannel: String
    public var houseChannel: String
    public var auxiliaryChannel: String
    /// Silence after which the P3 counts as unavailable; default 5 minutes.
    public var staleAfter: Duration

    public init(deviceID: String, gridChannel: String = "HOUSE", houseChannel: String = "LOCAL", auxiliaryChannel: String = "AUX1", staleAfter: Duration = .seconds(300)) {
        self.deviceID = deviceID
        self.gridChannel = gridChannel
        self.houseChannel = houseChannel
        self.auxiliaryChannel = auxiliaryChannel
        self.staleAfter = staleAfter
    }
}

/// Options of generic MQTT sensor topics gathered into one device (`type: mqtt-sensors`).
public struct MQTTSensorOptions: Sendable, Hashable {
    /// One explicitly mapped topic.
    public struct Field: Sendable, Hashable {
        public var topic: String
        public var field: FieldID
        public var name: String?
        public var unit: FieldDescriptor.Unit?
        public var jsonKey: String?
        public var scale: Double

        public init(topic: String, field: FieldID, name: String? = nil, unit: FieldDescriptor.Unit? = nil, jsonKey: String? = nil, scale: Double = 1) {
            self.topic = topic
            self.field = field
            self.name = name
            self.unit = unit
            self.jsonKey = jsonKey
            self.scale = scale
        }
    }

    /// Topic filters (`house/+`, `weather/#`); the levels a wildcard matches name the field.
    public var topics: [String]
    /// `sensor` (default), `house` or `weather`: where the web shows the device.
    public var kind: String
    /// Member of JSON object payloads to read; default `value`, or every member.
    public var jsonKey: String?
    public var fields: [Field]
    public var staleAfter: Duration
    /// `max_fields_per_message`: values taken from one message; the rest are dropped and counted.
    public var maximumFieldsPerMessage: Int
    /// `max_series`: distinct fields the device may have; values of further new fields are dropped and counted.
    public var maximumSeries: Int

    public init(
        topics: [String], kind: String = "sensor", jsonKey: String? = nil, fields: [Field] = [], staleAfter: Duration = .seconds(3_600),
        maximumFieldsPerMessage: Int = MQTTSourceDriver.Configuration.defaultMaximumFieldsPerMessage,
        maximumSeries: Int = MQTTSourceDriver.Configuration.defaultMaximumSeries
    ) {
        self.topics = topics
        self.kind = kind
        self.jsonKey = jsonKey
        self.fields = fields
        self.staleAfter = staleAfter
        self.maximumFieldsPerMessage = maximumFieldsPerMessage
        self.maximumSeries = maximumSeries
    }
}

extension DeviceTypes {
    static func parsePowervault(_ section: ConfigurationSection) -> DeviceOptions? {
        let deviceID = section.string("device_id")
        let grid = section.string("grid_channel")
        let house = section.string("house_channel")
        let auxiliary = section.string("aux_channel")
        let staleAfter = section.duration("stale_after", in: .seconds(5)...(.seconds(86_400)))
        guard let deviceID else {
            section.problem("device_id", "missing; the id in the P3's topics pv/PV3/<device_id>/... (subscribe to pv/# to find it)")
            return nil
        }
        guard isTopicLevel(deviceID) else {
            section.problem("device_id", "must be one topic level (no '/', '+', '#'); got '\(deviceID)'")
            return nil
        }
        var options = PowervaultOptions(deviceID: deviceID)
        if let grid { options.gridChannel = grid.uppercased() }
        if let house { options.houseChannel = house.uppercased() }
        if let auxiliary { options.auxiliaryChannel = auxiliary.uppercased() }
        if let staleAfter { options.staleAfter = staleAfter }
        return .powervault(options)
    }

    static let sensorKinds = ["sensor", "house", "weather"]

    static func parseMQTTSensors(_ section: ConfigurationSection) -> DeviceOptions? {
        let topics = section.stringList("topics") ?? []
        let kind = section.string("kind", oneOf: sensorKinds)
        let jsonKey = section.string("json_key")
        let staleAfter = section.duration("stale_after", in: .seconds(5)...(.seconds(7 * 86_400)))
        let maximumFieldsPerMessage = section.int("max_fields_per_message", in: 1...10_000)
        let maximumSeries = section.int("max_series", in: 1...100_000)
        var valid = true
        for topic in topics where !isTopicFilter(topic) {
            section.problem("topics", "'\(topic)' is not a topic filter ('+' and '#' only as whole levels, '#' last)")
            valid = false
        }
        var fields: [MQTTSensorOptions.Field] = []
        let fieldsSection = section.section("fields")
        for topic in fieldsSection.keys {
            guard isTopicLevel(topic, allowSlash: true) else {
                fieldsSection.problem(topic, "must be an exact topic (no '+' or '#')")
                valid = false
                continue
            }
            let rule = fieldsSection.section(topic)
            let field = rule.string("field")
            let name = rule.string("name")
            let unitText = rule.string("unit")
            let ruleKey = rule.string("json_key")
            let scaleText = rule.string("scale")
            rule.reportUnknownKeys(allowed: ["field", "name", "unit", "json_key", "scale"])
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
                valid = false
                continue
            }
            fields.append(.init(topic: topic, field: FieldID(field), name: name, unit: unit, jsonKey: ruleKey, scale: scale))
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
        return .mqttSensors(options)
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

    static func isTopicLevel(_ text: String, allowSlash: Bool = false) -> Bool {
        !text.isEmpty && !text.contains("+") && !text.contains("#") && (allowSlash || !text.contains("/"))
    }

    static func isTopicFilter(_ text: String) -> Bool {
        let levels = text.split(separator: "/", omittingEmptySubsequences: false)
        guard !text.isEmpty else { return false }
        for (index, level) in levels.enumerated() {
            if level.contains("#") && (level != "#" || index != levels.count - 1) { return false }
            if level.contains("+") && level != "+" { return false }
        }
        return true
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
