import HeliographConfigFile
import HeliographCore

/// Options of generic MQTT sensor topics gathered into one device (`type: mqtt-sensors`).
public struct MQTTSensorOptions: DeviceFamilyOptions {
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
