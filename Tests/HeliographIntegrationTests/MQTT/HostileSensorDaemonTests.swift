import Foundation
import HeliographCore
import HeliographDevices
import HeliographMQTT
import HeliographTesting
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing

@testable import HeliographApp

extension BrokerSuites {
    /// The daemon against hostile input on its sensor topics, through a real mosquitto (issue 13,
    /// items 4, 5 and 9): nothing published there takes MQTT down or grows the daemon without bound.
    @Suite("Daemon against hostile MQTT sensor input", .enabled(if: Mosquitto.isUsable, "needs mosquitto (scripts/test-deps.d/mqtt.sh)"))
    struct HostileSensorDaemonTests {
        /// Starts the daemon on `yaml` (storage, `mqtt:` and `site:` added), stopped when the test ends.
        func startDaemon(devices yaml: String, broker: Mosquitto, log: LogCapture, in resources: TestResources) async throws -> Daemon {
            let directory = try makeTemporaryDirectory("hostile-sensors")
            resources.onCleanup { try? FileManager.default.removeItem(at: directory) }
            let (parsed, problems) = HeliographConfiguration.parse(yaml: """
                site: { time_zone: UTC }
                storage: { path: \(directory.appendingPathComponent("history.sqlite").path) }
                devices:
                \(yaml)
                http: { enabled: false }
                mqtt:
                  host: 127.0.0.1
                  port: \(broker.port)
                  discovery: false
                  commands: true
                """)
            #expect(problems.isEmpty, "\(problems)")
            let daemon = try await buildDaemon(configuration: try #require(parsed), logger: log.logger(label: "hostile-sensors"))
            let task = Task { try await daemon.group.run() }
            resources.onCleanup {
                await daemon.group.triggerGracefulShutdown()
                _ = await task.result
            }
            return daemon
        }

        /// A sensor device on `house/+`, as the `devices:` entry.
        static let house = """
              house:
                type: mqtt-sensors
                topics: [house/+]
                interval: 300ms
            """

        /// A broker and a connected client standing for the sensors (and for whoever sends commands).
        func startBroker(in resources: TestResources) async throws -> (Mosquitto, RunningClient) {
            // A private broker: the tests leave retained floods (a 2 MB message, oversized topics) behind.
            let broker = try await Mosquitto.start(in: resources)
            let sensors = RunningClient(testConfiguration(port: broker.port, clientID: "house-sensors"), in: resources)
            try await sensors.waitUntilConnected()
            return (broker, sensors)
        }

        @Test("a retained 2 MB message on a sensor topic: discarded and logged once, no reconnect; sensors and commands keep working")
        func oversizedRetainedMessage() async throws {
            try await withTestResources(timeout: .seconds(120)) { resources in
                let (broker, other) = try await startBroker(in: resources)
                try await other.client.publish(topic: "house/big", payload: ByteBuffer(repeating: UInt8(ascii: "{"), count: 2 << 20), retain: true)
                try await other.client.publish(topic: "house/kitchen_temperature", payload: "21.5", retain: true)
                try await other.client.waitUntilDelivered()
                let results = try await other.client.subscribe(["heliograph/+/set/+/result"])

                let log = LogCapture()
                let daemon = try await startDaemon(devices: Self.house, broker: broker, log: log, in: resources)
                let client = try #require(daemon.mqtt?.client)
                try await eventually(timeout: .seconds(30), "the retained reading is stored") {
                    try await daemon.store.latest(device: "house")?.number("kitchen_temperature") == 21.5
                }
                try await eventually(timeout: .seconds(20), "the oversized retained message is discarded") { client.oversizedMessagesDiscarded == 1 }

                // Live readings still arrive...
                try await other.client.publish(topic: "house/kitchen_temperature", payload: "22.5")
                try await eventually(timeout: .seconds(20), "a live reading after the big message") {
                    try await daemon.store.latest(device: "house")?.number("kitchen_temperature") == 22.5
                }
                // ...and commands are answered (refused by the gate: nothing is controllable here).
                try await other.client.publish(topic: "heliograph/house/set/charge_limit", payload: "10")
                let result = try await collect(results, count: 1)
                #expect(result.first?.topic == "heliograph/house/set/charge_limit/result")
                #expect(result.first?.payloadString.contains("rejected") == true, "\(result.first?.payloadString ?? "")")

                #expect(client.connectionState == .connected(sessionPresent: false))
                #expect(log.lines(containing: "MQTT connected").count == 1, "connected once, never again: \(log.lines(containing: "MQTT"))")
                let discarded = log.lines(containing: "over the size limit")
                #expect(discarded.count == 1 && discarded.first?.contains("mqtt.topic=house/big") == true, "\(discarded)")
            }
        }

        @Test("5 000-member JSON payloads stay within the caps (store, /stats, /metrics); a silent device is picked up at its first message")
        func floodsAreCappedAndSilenceEndsAtOnce() async throws {
            try await withTestResources(timeout: .seconds(150)) { resources in
                let (broker, other) = try await startBroker(in: resources)
                let log = LogCapture()
                let daemon = try await startDaemon(devices: Self.house + """

                      garden:
                        type: mqtt-sensors
                        topics: [garden/+]
                        interval: 200ms
                    """, broker: broker, log: log, in: resources)

                // Retained, so they reach the daemon however soon after its start they were sent.
                for topic in ["house/a", "house/b", "house/c", "house/d"] {
                    try await other.client.publish(topic: topic, payload: MQTTSourceBoundsTests.flood("m"), retain: true)
                }
                let status = PipelineStatus(poller: daemon.poller, bus: daemon.bus)
                try await eventually(timeout: .seconds(30), "all four floods counted in /stats") {
                    status.devices().first { $0.device == "house" }?.discarded["fields_per_message_cap"] == 4 * 4_800
                }
                try await eventually(timeout: .seconds(30), "500 series stored") { try await daemon.store.statistics().series == 500 }
                let house = try #require(status.devices().first { $0.device == "house" })
                #expect(house.discarded == ["fields_per_message_cap": 19_200, "series_cap": 300])
                let metrics = String(decoding: try #require(await daemon.metrics?.exposition()), as: UTF8.self)
                let houseLines = metrics.split(separator: "\n").filter { !$0.hasPrefix("#") && $0.contains(#"device="house""#) }
                #expect(houseLines.count < 560, "field gauges bounded by max_series: \(houseLines.count) lines")
                #expect(metrics.utf8.count < 200_000, "/metrics stays small: \(metrics.utf8.count) bytes")
                #expect(log.lines(containing: "max_fields_per_message").count == 1)

                // The garden has said nothing: its polls fail and back off (200 ms, 400 ms, ... doubling).
                let poller = daemon.poller
                try await eventually(timeout: .seconds(40), "the silent device backs off") { (poller.status(of: "garden")?.consecutiveFailures ?? 0) >= 6 }
                let lastFailedAttempt = try #require(poller.status(of: "garden")?.lastAttempt)
                try await other.client.publish(topic: "garden/soil_moisture_pct", payload: "35")
                try await eventually(timeout: .seconds(20), "the first reading is stored") {
                    try await daemon.store.latest(device: "garden")?.number("soil_moisture_pct") == 35
                }
                let picked = try #require(poller.status(of: "garden")?.lastSuccess)
                // After 6 failures the next scheduled attempt is 200 ms × 2^5 × (0.75...1.25) ≥ 4.8 s away.
                #expect(picked.timeIntervalSince(lastFailedAttempt) < 4.8, "polled on arrival, not after the back-off: \(picked.timeIntervalSince(lastFailedAttempt)) s")
            }
        }
    }
}
