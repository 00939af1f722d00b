import HeliographCore
import HeliographMQTT
import HeliographPipeline
import Logging

extension MQTTSourceDriver {
    /// A driver for generic sensor topics, mapped as the options say.
    public static func sensors(device: DeviceID, options: MQTTSensorOptions, subscriber: any MQTTPublisher, logger: Logger) -> MQTTSourceDriver {
        var rules: [String: MQTTSensorMapping.Rule] = [:]
        for field in options.fields {
            rules[field.topic] = .init(field: field.field, name: field.name, unit: field.unit, jsonKey: field.jsonKey, scale: field.scale)
        }
        let mapping = MQTTSensorMapping(filters: options.topics, rules: rules, jsonKey: options.jsonKey)
        let names = ["house": "House sensors", "weather": "Weather sensors"]
        let descriptor = DeviceDescriptor(
            kind: options.kind, id: device, name: names[options.kind] ?? device.rawValue, manufacturer: "MQTT", model: "Sensor topics",
            fields: mapping.declaredFields)
        return MQTTSourceDriver(
            descriptor: descriptor,
            subscriber: subscriber,
            configuration: .init(
                filters: mapping.subscriptions, staleAfter: options.staleAfter,
                maximumFieldsPerMessage: options.maximumFieldsPerMessage, maximumSeries: options.maximumSeries),
            logger: logger
        ) { topic, payload in try mapping.decode(topic: topic, payload: payload) }
    }
}

extension DeviceFamily {
    /// Any sensor values published on MQTT topics, gathered into one device.
    public static let mqttSensors = DeviceFamily(
        name: "mqtt-sensors",
        keys: ["topics", "kind", "json_key", "fields", "stale_after", "max_fields_per_message", "max_series"],
        defaultInterval: .seconds(30),
        needsMQTT: true,
        parse: MQTTSensorOptions.parse,
        makeDevice: { options, device, context in
            guard let mqtt = context.mqtt else { throw HeliographError(.invalidConfiguration, "an mqtt-sensors device needs the mqtt: section", device: device.id) }
            let driver = MQTTSourceDriver.sensors(device: device.id, options: options, subscriber: mqtt, logger: context.logger)
            return PolledDevice(driver: driver, interval: device.interval, timeout: device.timeout, service: driver)
        }
    )
}
