import Foundation
import HeliographApp
import HeliographCore
import HeliographDevices
import HeliographMQTT
import HeliographTesting
import Logging
import ServiceLifecycle
import Testing

extension BrokerSuites {
    /// The whole daemon (configuration file → buildDaemon → Deye simulator over TCP → pipeline →
    /// MQTT sink → mosquitto with a password), checked by paho as Home Assistant would see it.
    @Suite("Daemon publishing to mosquitto", .enabled(if: Mosquitto.isUsable && Paho.isUsable, "needs mosquitto and paho-mqtt (scripts/test-deps.d/mqtt.sh)"))
    struct DaemonMQTTTests {
        @Test("a configured daemon publishes state, per-field topics, availability and HA discovery the Energy dashboard accepts")
        func daemonPublishesToBroker() async throws {
            try await withTestResources(timeout: .seconds(120)) { resources in
                // A private broker: configured with a password user.
                let broker = try await Mosquitto.start(.init(users: ["solar": "s3cret-pw"]), in: resources)
                let directory = try makeTemporaryDirectory("daemon-mqtt")
                resources.onCleanup { try? FileManager.default.removeItem(at: directory) }
                let passwordFile = directory.appendingPathComponent("mqtt-password")
                try "s3cret-pw\n".write(to: passwordFile, atomically: true, encoding: .utf8)

                let simulator = try DeyeSimulator(configuration: .init(inverterSerial: "2306099999"))
                let simulatorTask = Task { try await simulator.run() }
                resources.onCleanup {
                    simulatorTask.cancel()
                    _ = await simulatorTask.result
                }
                let simulatorPort = await simulator.listeningPort()

                let paho = try Paho.Subscriber.start(in: resources, port: broker.port, filter: "#", user: "solar", password: "s3cret-pw")
                let received = paho.messages()
                _ = try await collect(received, count: 1) { $0.payload == "SUBSCRIBED" }

                let yaml = """
                    site: { time_zone: UTC }
                    storage: { path: \(directory.appendingPathComponent("history.sqlite").path) }
                    devices:
                      hybrid:
                        type: deye
                        host: 127.0.0.1
                        port: \(simulatorPort)
                        interval: 500ms
                    http: { enabled: false }
                    mqtt:
                      host: 127.0.0.1
                      port: \(broker.port)
                      username: solar
                      password_file: \(passwordFile.path)
                      client_id: heliograph-test
                      keep_alive: 5s
                    """
                let (parsed, problems) = HeliographConfiguration.parse(yaml: yaml)
                #expect(problems.isEmpty, "\(problems)")
                let configuration = try #require(parsed)
                let daemon = try await buildDaemon(configuration: configuration, logger: Logger(label: "daemon-mqtt"))
                #expect(daemon.mqtt != nil)
                let daemonTask = Task { try await daemon.group.run() }
                resources.onCleanup {
                    daemonTask.cancel()
                    _ = await daemonTask.result
                }

                // Everything the first poll produces: availability, discovery, state JSON, a per-field topic.
                let wanted: Set<String> = [
                    "heliograph/availability", "homeassistant/device/heliograph_hybrid/config", "heliograph/hybrid/state",
                    "heliograph/hybrid/battery_soc_pct", "homeassistant/device/heliograph_heliograph/config", "heliograph/heliograph/state",
                ]
                var byTopic: [String: Paho.Message] = [:]
                for await message in received where wanted.contains(message.topic) {
                    byTopic[message.topic] = message
                    if byTopic.count == wanted.count { break }
                }
                #expect(byTopic["heliograph/availability"]?.payload == "online")
                #expect(byTopic["heliograph/availability"]?.retain == false)  // live delivery to an existing subscriber

                let state = try #require(byTopic["heliograph/hybrid/state"])
                let stateObject = try #require(try JSONSerialization.jsonObject(with: Data(state.payload.utf8)) as? [String: Any])
                let soc = try #require(stateObject["battery_soc_pct"] as? Double)
                #expect((0...100).contains(soc))
                #expect(stateObject["time"] is String)
                #expect(byTopic["heliograph/hybrid/battery_soc_pct"].flatMap { Double($0.payload) } == soc)

                let discovery = try #require(byTopic["homeassistant/device/heliograph_hybrid/config"])
                let payload = try #require(try JSONSerialization.jsonObject(with: Data(discovery.payload.utf8)) as? [String: Any])
                let device = try #require(payload["device"] as? [String: Any])
                #expect(device["manufacturer"] as? String == "Deye")
                #expect((device["model"] as? String)?.isEmpty == false)
                #expect(device["serial_number"] as? String == "2306099999")
                #expect(device["identifiers"] as? [String] == ["heliograph_hybrid"])
                #expect(payload["availability_topic"] as? String == "heliograph/availability")
                #expect(payload["state_topic"] as? String == "heliograph/hybrid/state")
                let components = try #require(payload["components"] as? [String: [String: Any]])
                #expect(components.count > 10)
                // Unique ids are unique and stable; every component has a platform.
                let uniqueIDs = components.values.compactMap { $0["unique_id"] as? String }
                #expect(Set(uniqueIDs).count == components.count)
                #expect(uniqueIDs.allSatisfy { $0.hasPrefix("heliograph_hybrid_") })
                #expect(components.values.allSatisfy { $0["platform"] is String })
                // What the Energy dashboard needs: energy in Wh/kWh with a total state class; power in W as a measurement.
                let energy = components.values.filter { $0["device_class"] as? String == "energy" }
                #expect(!energy.isEmpty)
                for component in energy {
                    #expect(["Wh", "kWh"].contains(component["unit_of_measurement"] as? String ?? ""), "\(component)")
                    #expect(["total", "total_increasing"].contains(component["state_class"] as? String ?? ""), "\(component)")
                }
                let power = try #require(components["pv_power_w"] ?? components.values.first { $0["device_class"] as? String == "power" })
                #expect(power["unit_of_measurement"] as? String == "W")
                #expect(power["state_class"] as? String == "measurement")
                let battery = try #require(components["battery_soc_pct"])
                #expect(battery["device_class"] as? String == "battery")
                #expect(battery["unit_of_measurement"] as? String == "%")

                // The daemon's own health, as diagnostic entities.
                let diagnostics = try #require(byTopic["homeassistant/device/heliograph_heliograph/config"])
                let diagnosticsPayload = try #require(try JSONSerialization.jsonObject(with: Data(diagnostics.payload.utf8)) as? [String: Any])
                let diagnosticComponents = try #require(diagnosticsPayload["components"] as? [String: [String: Any]])
                #expect(diagnosticComponents.values.allSatisfy { $0["entity_category"] as? String == "diagnostic" })
                #expect(diagnosticComponents["healthy"]?["platform"] as? String == "binary_sensor")
                #expect(diagnosticComponents["hybrid_last_success_age_s"]?["device_class"] as? String == "duration")
                let healthState = try #require(byTopic["heliograph/heliograph/state"])
                let health = try #require(try JSONSerialization.jsonObject(with: Data(healthState.payload.utf8)) as? [String: Any])
                #expect(health["uptime_s"] is Double && health["database_size_mb"] is Double && health["buffered_samples"] is Double)
                #expect(health["healthy"] as? Bool == true)
                #expect(health["hybrid_polls"] is Double)

                // A graceful stop drains and publishes "offline" on the availability topic.
                await daemon.group.triggerGracefulShutdown()
                try await daemonTask.value
                let offline = try await collect(received, count: 1) { $0.topic == "heliograph/availability" }
                #expect(offline.first?.payload == "offline")
            }
        }

        @Test("mqtt: with tls and ca_file reaches a TLS broker; paho verifies over TLS")
        func daemonOverTLS() async throws {
            try await withTestResources { resources in
                let certificates = try await TestCertificates.generate()
                resources.onCleanup { try? FileManager.default.removeItem(at: certificates.directory) }
                // A private broker: configured with TLS and a user.
                let broker = try await Mosquitto.start(.init(tls: certificates, users: ["solar": "tls-pw"]), in: resources)
                let directory = try makeTemporaryDirectory("daemon-mqtt-tls")
                resources.onCleanup { try? FileManager.default.removeItem(at: directory) }
                let paho = try Paho.Subscriber.start(
                    in: resources, port: broker.port, filter: "heliograph/#", user: "solar", password: "tls-pw", caFile: certificates.caFile)
                let log = MessageLog(paho.messages())
                try await log.first("paho subscribed") { $0.payload == "SUBSCRIBED" }

                let (parsed, problems) = HeliographConfiguration.parse(
                    yaml: """
                        storage: { path: \(directory.appendingPathComponent("history.sqlite").path) }
                        http: { enabled: false }
                        mqtt:
                          host: 127.0.0.1
                          port: \(broker.port)
                          tls: true
                          ca_file: \(certificates.caFile)
                          username: solar
                        """,
                    environment: ["HELIOGRAPH_MQTT_PASSWORD": "tls-pw"])
                #expect(problems.isEmpty, "\(problems)")
                let daemon = try await buildDaemon(configuration: try #require(parsed), logger: Logger(label: "daemon-mqtt-tls"))
                let daemonTask = Task { try await daemon.group.run() }
                resources.onCleanup {
                    daemonTask.cancel()
                    _ = await daemonTask.result
                }
                try await log.first("online over TLS") { $0.topic == "heliograph/availability" && $0.payload == "online" }
                try await log.first("diagnostics over TLS") { $0.topic == "heliograph/heliograph/state" }
                await daemon.group.triggerGracefulShutdown()
                try await daemonTask.value
            }
        }

        @Test("an unreachable broker does not stop polling or storing")
        func brokerAwayKeepsStoring() async throws {
            try await withTestResources { resources in
                let directory = try makeTemporaryDirectory("daemon-mqtt-away")
                resources.onCleanup { try? FileManager.default.removeItem(at: directory) }
                let simulator = try DeyeSimulator()
                let simulatorTask = Task { try await simulator.run() }
                resources.onCleanup {
                    simulatorTask.cancel()
                    _ = await simulatorTask.result
                }
                let port = await simulator.listeningPort()
                var configuration = HeliographConfiguration(
                    site: .init(timeZone: "UTC"),
                    storage: .init(path: directory.appendingPathComponent("history.sqlite").path),
                    devices: [DeviceConfiguration(id: "hybrid", type: "deye", interval: .milliseconds(300), options: DeyeOptions(host: "127.0.0.1", port: port))]
                )
                configuration.http.enabled = false
                configuration.mqtt = MQTTConfiguration(host: "127.0.0.1", port: try freePort(), clientID: "heliograph-away")
                let daemon = try await buildDaemon(configuration: configuration, logger: Logger(label: "daemon-mqtt-away"))
                let daemonTask = Task { try await daemon.group.run() }
                resources.onCleanup {
                    daemonTask.cancel()
                    _ = await daemonTask.result
                }
                try await eventually(timeout: .seconds(30), "samples stored while the broker is away") {
                    try await daemon.store.latest(device: "hybrid") != nil
                }
                // QoS 1 state went to the outbox next to the database, waiting for the broker.
                #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("mqtt-outbox/outbox.log").path))
                await daemon.group.triggerGracefulShutdown()
                try await daemonTask.value
            }
        }
    }
}
