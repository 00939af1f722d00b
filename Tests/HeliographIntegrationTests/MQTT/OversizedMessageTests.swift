import Foundation
import HeliographCore
import HeliographMQTT
import HeliographMQTTCodec
import HeliographTesting
import NIOCore
import Synchronization
import Testing

extension BrokerSuites {
    /// Messages over the client's packet limit, sent by a real mosquitto: skipped, acknowledged,
    /// and the connection kept (issue 13, item 4).
    @Suite("MQTT messages over the size limit", .enabled(if: Mosquitto.isUsable, "needs mosquitto (scripts/test-deps.d/mqtt.sh)"))
    struct OversizedMessageTests {
        /// 2 MiB, twice the client's default limit.
        static let bigPayload = ByteBuffer(repeating: UInt8(ascii: "x"), count: 2 << 20)

        @Test("a retained 2 MB message is discarded without a reconnect; later messages arrive; the broker got its PUBACK")
        func oversizedMessagesKeepTheConnection() async throws {
            try await withTestResources(timeout: .seconds(120)) { resources in
                // A private broker: the test leaves a retained 2 MB message and a persistent session behind,
                // which subscribers to '#' on a shared broker would receive.
                let broker = try await Mosquitto.start(in: resources)
                let publisher = RunningClient(testConfiguration(port: broker.port, clientID: "big-publisher"), in: resources)
                try await publisher.waitUntilConnected()
                try await publisher.client.publish(topic: "sensors/big", payload: Self.bigPayload, qos: .atLeastOnce, retain: true)
                try await publisher.client.waitUntilDelivered()

                // A persistent session, so the broker would resend anything we failed to acknowledge.
                var configuration = testConfiguration(port: broker.port, clientID: "small-subscriber")
                configuration.cleanSession = false
                #expect(configuration.maximumPacketSize == 1 << 20)
                let subscriber = RunningClient(configuration, in: resources)
                try await subscriber.waitUntilConnected()
                let disconnects = Atomic<Int>(0)
                let states = subscriber.client.connectionStates()
                let watcher = Task {
                    for await state in states { if case .disconnected = state { disconnects.add(1, ordering: .relaxed) } }
                }
                resources.onCleanup { watcher.cancel() }

                let messages = try await subscriber.client.subscribe(["sensors/#"])
                try await eventually(timeout: .seconds(20), "the retained oversized message is discarded") {
                    subscriber.client.oversizedMessagesDiscarded == 1
                }
                try await publisher.client.publish(topic: "sensors/small", payload: "21.5")
                let small = try await collect(messages, count: 1)
                #expect(small.first?.topic == "sensors/small" && small.first?.payloadString == "21.5")

                // A live one at QoS 1 too, then a marker behind it.
                try await publisher.client.publish(topic: "sensors/live", payload: Self.bigPayload, qos: .atLeastOnce)
                try await publisher.client.publish(topic: "sensors/marker", payload: "1")
                let marker = try await collect(messages, count: 1)
                #expect(marker.first?.topic == "sensors/marker")
                #expect(subscriber.client.oversizedMessagesDiscarded == 2)
                #expect(disconnects.load(ordering: .relaxed) == 0, "the connection was never dropped")
                #expect(subscriber.client.connectionState == .connected(sessionPresent: false))

                // Back with the same session: had the live message gone unacknowledged, the broker would
                // resend it first. Only the retained one comes again (resubscribing asks for it).
                await subscriber.kill()
                let again = RunningClient(configuration, in: resources)
                try await again.waitUntilConnected()
                let messagesAgain = try await again.client.subscribe(["sensors/#"])
                try await publisher.client.publish(topic: "sensors/marker", payload: "2")
                let secondMarker = try await collect(messagesAgain, count: 1) { $0.topic == "sensors/marker" }
                #expect(secondMarker.first?.payloadString == "2")
                #expect(again.client.oversizedMessagesDiscarded == 1, "only the retained message was sent again")
            }
        }
    }
}
