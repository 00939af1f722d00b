import Foundation
import HeliographApp
import HeliographCore
import HeliographDevices
import HeliographTesting
import Logging
import ServiceLifecycle
import Synchronization
import Testing

extension BrokerSuites {
    /// Commands over MQTT end to end: paho commands, the daemon passes them through its command
    /// gate to a PI30 simulator on a pty, and publishes results, read-backs and modes.
    @Suite("Daemon commands over MQTT", .enabled(if: Mosquitto.isUsable && Paho.isUsable, "needs mosquitto and paho-mqtt (scripts/test-deps.d/mqtt.sh)"))
    struct DaemonMQTTCommandTests {
        @Test("select/number entities and set_mode change a PI30 through the gate; results, read-backs and the audit log agree")
        func commandsReachTheInverter() async throws {
            try await withTestResources(timeout: .seconds(150)) { resources in
                // The shared broker: the daemon's client id, its topics and HA's discovery prefix are this test's own.
                let broker = try await Mosquitto.shared()
                let root = Mosquitto.uniqueTopicPrefix("commands")
                let directory = try makeTemporaryDirectory("daemon-mqtt-commands")
                resources.onCleanup { try? FileManager.default.removeItem(at: directory) }

                let (paths, pathContinuation) = AsyncStream.makeStream(of: String.self)
                let simulator = PI30SimulatorService(onReady: { pathContinuation.yield($0) })
                let simulatorTask = Task { try await simulator.run() }
                resources.onCleanup {
                    simulatorTask.cancel()
                    _ = await simulatorTask.result
                }
                var pathIterator = paths.makeAsyncIterator()
                let pty = try #require(await pathIterator.next())
                #expect(simulator.state.outputSourcePriority == .sbu)

                let paho = try Paho.Subscriber.start(in: resources, port: broker.port, filter: "\(root)/#")
                let log = MessageLog(paho.messages())
                try await log.first("paho subscribed") { $0.payload == "SUBSCRIBED" }

                let (parsed, problems) = HeliographConfiguration.parse(yaml: """
                    site: { time_zone: UTC }
                    storage: { path: \(directory.appendingPathComponent("history.sqlite").path) }
                    devices:
                      inverter:
                        type: pi30
                        port: \(pty)
                        hid: false
                        queries: [QPIGS, QMOD, QPIRI]
                        interval: 500ms
                    http: { enabled: false }
                    mqtt:
                      host: 127.0.0.1
                      port: \(broker.port)
                      commands: true
                      compatibility_topics: true
                      client_id: \(root)
                      topic_prefix: \(root)/heliograph
                      discovery_prefix: \(root)/homeassistant
                    """)
                #expect(problems.isEmpty, "\(problems)")
                let daemon = try await buildDaemon(configuration: try #require(parsed), logger: Logger(label: "daemon-mqtt-commands"))
                let daemonTask = Task { try await daemon.group.run() }
                resources.onCleanup {
                    daemonTask.cancel()
                    _ = await daemonTask.result
                }

                // Discovery lists the settings as entities; the current value comes from QPIRI samples.
                let discovery = try await log.first("discovery") { $0.topic == "\(root)/homeassistant/device/heliograph_inverter/config" }
                let payload = try #require(try JSONSerialization.jsonObject(with: Data(discovery.payload.utf8)) as? [String: Any])
                let components = try #require(payload["components"] as? [String: [String: Any]])
                let select = try #require(components["output_source_priority_setting"])
                #expect(select["platform"] as? String == "select")
                #expect(select["options"] as? [String] == ["utility", "solar", "sbu"])
                #expect(select["command_topic"] as? String == "\(root)/heliograph/inverter/set/output_source_priority")
                #expect(components["charger_source_priority_setting"]?["platform"] as? String == "select")
                let number = try #require(components["max_charging_current_a_setting"])
                #expect(number["platform"] as? String == "number" && number["max"] as? Double == 120)
                try await log.first("setting from samples") { $0.topic == "\(root)/heliograph/inverter/setting/output_source_priority" && $0.payload == "sbu" }
                try await log.first("actual_mode from samples") { $0.topic == "\(root)/homeassistant/inverter/actual_mode" && $0.payload == "sbu" }

                // A select choice: applied, read back, shown.
                var mark = log.all.count
                try await Paho.publish(port: broker.port, topic: "\(root)/heliograph/inverter/set/output_source_priority", payload: "solar")
                let applied = try await result(from: log, after: mark, root: root, setting: "output_source_priority")
                #expect(applied["result"] as? String == "applied", "\(applied)")
                #expect(applied["read_back"] as? String == "solar")
                #expect(simulator.state.outputSourcePriority == .solar)
                try await log.first(after: mark, "setting after the command") { $0.topic == "\(root)/heliograph/inverter/setting/output_source_priority" && $0.payload == "solar" }

                // Out of range: refused by the gate, with the reason; the device is not touched.
                mark = log.all.count
                try await Paho.publish(port: broker.port, topic: "\(root)/heliograph/inverter/set/max_charging_current_a", payload: "500")
                let refused = try await result(from: log, after: mark, root: root, setting: "max_charging_current_a")
                #expect(refused["result"] as? String == "rejected")
                #expect((refused["message"] as? String)?.contains("10.0...120.0") == true, "\(refused)")

                // The older set_mode topic changes the same setting through the same gate.
                mark = log.all.count
                try await Paho.publish(port: broker.port, topic: "\(root)/homeassistant/inverter/set_mode", payload: "utility")
                let mode = try await result(from: log, after: mark, root: root, setting: "output_source_priority")
                #expect(mode["result"] as? String == "applied", "\(mode)")
                #expect(simulator.state.outputSourcePriority == .utility)
                try await log.first(after: mark, "desired_mode") { $0.topic == "\(root)/homeassistant/inverter/desired_mode" && $0.payload == "utility" }
                try await log.first(after: mark, "actual_mode after set_mode") { $0.topic == "\(root)/homeassistant/inverter/actual_mode" && $0.payload == "utility" }

                // Every attempt is audited as the MQTT caller.
                let audit: any AuditLog = daemon.store
                let entries = try await audit.entries(device: "inverter", limit: 10)
                #expect(entries.map(\.actor) == ["mqtt", "mqtt", "mqtt"])
                #expect(entries.map(\.result) == ["applied", "rejected", "applied"])
                #expect(entries.first?.readBack == .choice("utility"))

                await daemon.group.triggerGracefulShutdown()
                try await daemonTask.value
            }
        }

        /// The next result JSON for `setting` on the inverter.
        private func result(from log: MessageLog, after mark: Int, root: String, setting: String) async throws -> [String: Any] {
            let message = try await log.first(after: mark, "result of \(setting)") { $0.topic == "\(root)/heliograph/inverter/set/\(setting)/result" }
            return try #require(try JSONSerialization.jsonObject(with: Data(message.payload.utf8)) as? [String: Any])
        }
    }
}
