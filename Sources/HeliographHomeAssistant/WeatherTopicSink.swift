import HeliographCore
import HeliographMQTT
import HeliographMQTTCodec
import HeliographWeather

/// Publishes weather readings on `weather/<field>` (retained), the topics the system Heliograph
/// replaces used, so existing subscribers keep working. Other devices' samples are ignored.
public struct WeatherTopicSink: SampleSink {
    public let name = "mqtt-weather"
    let client: MQTTClient
    /// The weather devices (`type: open-meteo`).
    let devices: Set<DeviceID>
    let qos: QoS

    public init(client: MQTTClient, devices: Set<DeviceID>, qos: QoS) {
        self.client = client
        self.devices = devices
        self.qos = qos
    }

    public func write(_ samples: [Sample]) async throws {
        for sample in samples where devices.contains(sample.device) {
            for (field, value) in sample.values.sorted(by: { $0.key < $1.key }) {
                try await client.publish(topic: "weather/\(field)", payload: Self.payload(value, precision: WeatherFields.precision(of: field)), qos: qos, retain: true)
            }
        }
    }

    /// The value alone, rounded to the field's precision: `12.5`, `35`, `true`.
    static func payload(_ value: FieldValue, precision: Int) -> String {
        switch value {
        case .flag(let on): return on ? "true" : "false"
        case .text(let text): return text
        case .number(let number):
            return NumberFormat.text(number, decimals: precision)
        }
    }
}
