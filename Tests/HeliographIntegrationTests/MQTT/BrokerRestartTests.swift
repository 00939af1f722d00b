import Foundation
import HeliographCore
import HeliographMQTT
import HeliographMQTTCodec
import HeliographTesting
import NIOCore
import Testing

extension BrokerSuites {
    /// Nothing published with QoS 1 is lost while the broker goes away, and order is kept.
    @Suite("MQTT delivery across broker restarts", .enabled(if: Mosquitto.isUsable && Paho.isUsable, "needs mosquitto and paho-mqtt (scripts/test-deps.d/mqtt.sh)"))
    struct BrokerRestartTests {
        /// First occurrences in arrival order. QoS 1 allows a redelivery after a reconnect, but a
        /// message must never arrive for the first time after a later one did.
        static func firstOccurrences(_ payloads: [String]) -> [String] {
            var seen = Set<String>()
            return payloads.filter { seen.insert($0).inserted }
        }

        @Test("mosquitto restarted mid-publishing: every QoS 1 message reaches paho, in order")
        func restartDuringPublishing() async throws {
            try await withTestResources { resources in
                // A private broker: the test stops and restarts it (with persistence).
                let broker = try await Mosquitto.start(.init(persistence: true), in: resources)
                // A persistent paho session, so the broker keeps its subscription and queue across the restart.
                let paho = try Paho.Subscriber.start(in: resources, port: broker.port, filter: "restart/seq", clientID: "paho-restart", cleanSession: false)
                let received = paho.messages()
                _ = try await collect(received, count: 1) { $0.payload == "SUBSCRIBED" }

                let outbox = try makeTemporaryDirectory("outbox")
                defer { try? FileManager.default.removeItem(at: outbox) }
                var configuration = testConfiguration(port: broker.port)
                configuration.outboxDirectory = outbox
                let running = RunningClient(configuration, in: resources)
                try await running.waitUntilConnected()

                let total = 300
                for index in 0..<total {
                    if index == 100 {
                        try await broker.stop()
                        try await running.waitForState { if case .disconnected = $0 { true } else { false } }
                    }
                    if index == 200 {
                        try await broker.launch()
                    }
                    // Returns once the message is in the disk outbox, whether or not the broker is there.
                    try await running.client.publish(topic: "restart/seq", payload: "\(index)")
                }
                try await running.client.waitUntilDelivered()

                let expected = (0..<total).map { "\($0)" }
                let payloads = try await withTimeout(.seconds(30), "paho receives all \(total)") {
                    var payloads: [String] = []
                    for await message in received where !message.topic.isEmpty {
                        payloads.append(message.payload)
                        if Set(payloads).count == total { break }
                    }
                    return payloads
                }
                #expect(Self.firstOccurrences(payloads) == expected, "none lost, none out of order")
                await running.stop()
            }
        }

        @Test("messages published while the broker is down survive a restart of our process")
        func outboxSurvivesProcessRestart() async throws {
            try await withTestResources { resources in
                let outbox = try makeTemporaryDirectory("outbox")
                defer { try? FileManager.default.removeItem(at: outbox) }
                let port = try freePort()  // nothing listens here yet
                var configuration = testConfiguration(port: port, clientID: "edge-restart")
                configuration.outboxDirectory = outbox

                let first = RunningClient(configuration, in: resources)
                for index in 0..<20 { try await first.client.publish(topic: "outbox/seq", payload: "\(index)") }
                await first.stop()  // the process "exits" with 20 messages unsent

                // The broker appears; a fresh client on the same directory delivers the backlog in order.
                // A private broker: it must appear on a port that had none while the client queued.
                let broker = try await Mosquitto.start(in: resources)
                let paho = try Paho.Subscriber.start(in: resources, port: broker.port, filter: "outbox/#")
                let received = paho.messages()
                _ = try await collect(received, count: 1) { $0.payload == "SUBSCRIBED" }

                configuration.port = broker.port
                let second = RunningClient(configuration, in: resources)
                try await second.client.publish(topic: "outbox/seq", payload: "20")
                try await second.client.waitUntilDelivered()
                let messages = try await collect(received, count: 21)
                #expect(messages.map(\.payload) == (0...20).map { "\($0)" })
                await second.stop()
                #expect(try DiskOutbox(directory: outbox).pendingCount == 0, "outbox drained after acknowledgements")
            }
        }
    }
}
