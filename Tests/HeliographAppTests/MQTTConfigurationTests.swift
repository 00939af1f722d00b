import Foundation
import HeliographApp
import HeliographDevices
import HeliographMQTT
import HeliographTesting
import Testing

@Suite struct MQTTConfigurationTests {
    @Test func absentSectionMeansNoMQTT() {
        let (configuration, problems) = HeliographConfiguration.parse(yaml: "devices: {}\n")
        #expect(problems.isEmpty)
        #expect(configuration?.mqtt == nil)
    }

    @Test func sectionIsReadWithDefaults() throws {
        let (configuration, problems) = HeliographConfiguration.parse(yaml: """
            mqtt:
              host: broker.lan
            """)
        #expect(problems.isEmpty, "\(problems)")
        let mqtt = try #require(configuration?.mqtt)
        #expect(mqtt == MQTTConfiguration(host: "broker.lan"))
        #expect(mqtt.port == nil && !mqtt.tls && mqtt.qos == 1 && mqtt.keepAlive == .seconds(30))
        #expect(mqtt.topicPrefix == "heliograph" && mqtt.discoveryPrefix == "homeassistant")
        #expect(mqtt.discovery && mqtt.perFieldTopics && !mqtt.compatibilityTopics)
        #expect(mqtt.clientID.hasPrefix("heliograph-"))
        #expect(mqtt.username == nil && mqtt.password == nil)
    }

    @Test func everyKeyIsRead() throws {
        let directory = try makeTemporaryDirectory("mqtt-config")
        defer { try? FileManager.default.removeItem(at: directory) }
        let ca = directory.appendingPathComponent("ca.pem")
        try "-----BEGIN CERTIFICATE-----\n".write(to: ca, atomically: true, encoding: .utf8)
        let (configuration, problems) = HeliographConfiguration.parse(yaml: """
            mqtt:
              host: 10.0.0.2
              port: 8884
              tls: true
              ca_file: \(ca.path)
              username: solar
              password: from-file
              client_id: heliograph-garage
              topic_prefix: home/solar
              discovery: false
              discovery_prefix: ha
              per_field_topics: off
              compatibility_topics: yes
              qos: 0
              keep_alive: 1m
              outbox_directory: /var/lib/heliograph/outbox
              outbox_fsync: true
            """)
        #expect(problems.isEmpty, "\(problems)")
        let mqtt = try #require(configuration?.mqtt)
        #expect(mqtt.host == "10.0.0.2" && mqtt.port == 8884 && mqtt.tls && mqtt.caFile == ca.path)
        #expect(mqtt.username == "solar" && mqtt.password?.value == "from-file")
        #expect(mqtt.clientID == "heliograph-garage" && mqtt.topicPrefix == "home/solar" && mqtt.discoveryPrefix == "ha")
        #expect(!mqtt.discovery && !mqtt.perFieldTopics && mqtt.compatibilityTopics && mqtt.qos == 0)
        #expect(mqtt.keepAlive == .seconds(60) && mqtt.outboxDirectory == "/var/lib/heliograph/outbox" && mqtt.outboxFsync)
        // The password never shows up in descriptions.
        #expect(!"\(mqtt)".contains("from-file"))
    }

    @Test func passwordFileAndEnvironmentOverride() throws {
        let directory = try makeTemporaryDirectory("mqtt-config")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("password")
        try "file-secret\n".write(to: file, atomically: true, encoding: .utf8)
        let yaml = """
            mqtt:
              host: broker
              username: solar
              password_file: \(file.path)
            """
        #expect(HeliographConfiguration.parse(yaml: yaml).configuration?.mqtt?.password?.value == "file-secret")
        let overridden = HeliographConfiguration.parse(yaml: yaml, environment: ["HELIOGRAPH_MQTT_PASSWORD": "env-secret"])
        #expect(overridden.problems.isEmpty, "\(overridden.problems)")
        #expect(overridden.configuration?.mqtt?.password?.value == "env-secret")
        // The whole section may come from the environment.
        let fromEnvironment = HeliographConfiguration.parse(yaml: "", environment: ["HELIOGRAPH_MQTT_HOST": "env-broker", "HELIOGRAPH_MQTT_PORT": "1884"])
        #expect(fromEnvironment.configuration?.mqtt?.host == "env-broker")
        #expect(fromEnvironment.configuration?.mqtt?.port == 1884)
    }

    @Test func badValuesAreProblemsWithLines() {
        let (_, problems) = HeliographConfiguration.parse(yaml: """
            mqtt:
              port: 99999
              tls: maybe
              ca_file: /nonexistent/ca.pem
              password: secret
              password_file: /nonexistent/password
              topic_prefix: "home/+/solar"
              discovery_prefix: "/ha"
              qos: 2
              keep_alive: forever
              hots: typo
            """)
        let byKey = Dictionary(problems.map { ($0.key, $0) }) { first, _ in first }
        #expect(byKey["mqtt.host"]?.message.contains("missing") == true)
        #expect(byKey["mqtt.port"]?.line == 2)
        #expect(byKey["mqtt.tls"]?.line == 3)
        #expect(byKey["mqtt.ca_file"] != nil)
        #expect(byKey["mqtt.password_file"] != nil)
        #expect(byKey["mqtt.topic_prefix"]?.line == 7)
        #expect(byKey["mqtt.discovery_prefix"] != nil)
        #expect(byKey["mqtt.qos"]?.line == 9)
        #expect(byKey["mqtt.keep_alive"] != nil)
        #expect(byKey["mqtt.hots"]?.message.contains("did you mean 'host'") == true)
    }

    @Test func passwordWithoutUserIsAProblem() {
        let (_, problems) = HeliographConfiguration.parse(yaml: """
            mqtt:
              host: broker
              password: secret
            """)
        #expect(problems.map(\.key) == ["mqtt.username"])
    }
}

@Suite struct MQTTDeviceConfigurationTests {
    @Test func powervaultAndSensorsParse() throws {
        let (configuration, problems) = HeliographConfiguration.parse(yaml: """
            devices:
              battery:
                type: powervault
                device_id: PV001001DEV
                grid_channel: local
                house_channel: HOUSE
              house:
                type: mqtt-sensors
                kind: house
                topics: [house/+, weather/#]
                fields:
                  zigbee/garage: { field: garage_temperature_c, unit: C, json_key: temp, scale: 0.1 }
            mqtt: { host: broker }
            """)
        #expect(problems.isEmpty, "\(problems)")
        let devices = try #require(configuration?.devices)
        #expect(devices[0].options as? PowervaultOptions == PowervaultOptions(deviceID: "PV001001DEV", gridChannel: "LOCAL", houseChannel: "HOUSE"))
        guard let sensors = devices[1].options as? MQTTSensorOptions else {
            Issue.record("not mqtt-sensors")
            return
        }
        #expect(sensors.topics == ["house/+", "weather/#"] && sensors.kind == "house")
        #expect(sensors.fields == [.init(topic: "zigbee/garage", field: "garage_temperature_c", unit: .celsius, jsonKey: "temp", scale: 0.1)])
        #expect(devices[1].interval == .seconds(30))
    }

    @Test("caps and sub-second intervals: parsed, defaulted, and checked against their floors")
    func capsAndIntervals() throws {
        let (configuration, problems) = HeliographConfiguration.parse(yaml: """
            devices:
              house: { type: mqtt-sensors, topics: [house/+], max_fields_per_message: 50, max_series: 80, interval: 250ms }
              garden: { type: mqtt-sensors, topics: [garden/+], interval: 100ms }
            mqtt: { host: broker }
            """)
        #expect(problems.isEmpty, "\(problems)")
        let devices = try #require(configuration?.devices)
        let houseDevice = try #require(devices.first { $0.id == "house" }), gardenDevice = try #require(devices.first { $0.id == "garden" })
        guard let house = houseDevice.options as? MQTTSensorOptions, let garden = gardenDevice.options as? MQTTSensorOptions else {
            Issue.record("not mqtt-sensors")
            return
        }
        #expect(house.maximumFieldsPerMessage == 50 && house.maximumSeries == 80 && houseDevice.interval == .milliseconds(250))
        #expect(garden.maximumFieldsPerMessage == 200 && garden.maximumSeries == 500 && gardenDevice.interval == .milliseconds(100))

        let (_, bad) = HeliographConfiguration.parse(yaml: """
            devices:
              house: { type: mqtt-sensors, topics: [house/+], max_fields_per_message: 0, max_series: many, interval: 50ms }
            mqtt: { host: broker }
            """)
        #expect(Set(bad.map(\.key)) == ["devices.house.max_fields_per_message", "devices.house.max_series", "devices.house.interval"], "\(bad)")
    }

    @Test func mistakesAreProblems() {
        let (_, problems) = HeliographConfiguration.parse(yaml: """
            devices:
              battery:
                type: powervault
              house:
                type: mqtt-sensors
                topics: ["house/#/x", "a+"]
                fields:
                  "house/+": { field: x }
                  exact/topic: { field: "Bad Name", unit: furlongs }
            """)
        let keys = problems.map(\.key)
        #expect(keys.contains("devices.battery.device_id"))
        #expect(keys.filter { $0 == "devices.house.topics" }.count == 2)
        #expect(keys.contains("devices.house.fields.house/+"))
        #expect(keys.contains("devices.house.fields.exact/topic.field"))
        #expect(keys.contains("devices.house.fields.exact/topic.unit"))
        // No broker configured for a device read from one.
        let (_, missingBroker) = HeliographConfiguration.parse(yaml: """
            devices:
              battery: { type: powervault, device_id: PV1 }
            """)
        #expect(missingBroker.map(\.key) == ["devices.battery.type"])
        #expect(missingBroker.first?.message.contains("mqtt:") == true)
    }
}
