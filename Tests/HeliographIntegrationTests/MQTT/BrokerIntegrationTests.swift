import Foundation
import HeliographCore
import HeliographMQTT
import HeliographMQTTCodec
import HeliographTesting
import NIOCore
import Synchronization
import Testing

extension BrokerSuites {
    /// The client against a real mosquitto on 127.0.0.1, checked by paho-mqtt as an independent client.
    @Suite("MQTT client against mosquitto", .enabled(if: Mosquitto.isUsable && Paho.isUsable, "needs mosquitto and paho-mqtt (scripts/test-deps.d/mqtt.sh)"))
    struct BrokerIntegrationTests {
        @Test("QoS 0, QoS 1 and retained messages reach paho intact and in order")
        func publishCheckedByPaho() async throws {
            try await withTestResources { resources in
                let broker = try await Mosquitto.shared()
                let base = Mosquitto.uniqueTopicPrefix("publish")
                let paho = try Paho.Subscriber.start(in: resources, port: broker.port, filter: "\(base)/test/#")
                let received = paho.messages()
                _ = try await collect(received, count: 1) { $0.payload == "SUBSCRIBED" }

                let running = RunningClient(testConfiguration(port: broker.port), in: resources)
                try await running.waitUntilConnected()
                for index in 0..<50 {
                    try await running.client.publish(topic: "\(base)/test/seq", payload: "\(index)", qos: .atLeastOnce)
                }
                try await running.client.waitUntilDelivered()
                try await running.client.publish(topic: "\(base)/test/zero", payload: "at most once", qos: .atMostOnce)
                try await running.client.publish(topic: "\(base)/test/state", payload: #"{"battery_soc_pct":87}"#, qos: .atLeastOnce, retain: true)
                try await running.client.waitUntilDelivered()

                let messages = try await collect(received, count: 52)
                // MQTT orders messages per QoS level only: mosquitto forwards QoS 0 at once while QoS 1
                // waits for the subscriber's in-flight window, so the QoS 0 message may overtake.
                let atLeastOnce = messages.filter { $0.qos == 1 }
                #expect(atLeastOnce.prefix(50).map(\.payload) == (0..<50).map { "\($0)" })
                #expect(atLeastOnce.prefix(50).allSatisfy { $0.topic == "\(base)/test/seq" })
                #expect(atLeastOnce.count == 51 && atLeastOnce[50].payload == #"{"battery_soc_pct":87}"#)
                #expect(messages.filter { $0.qos == 0 } == [.init(topic: "\(base)/test/zero", qos: 0, retain: false, payload: "at most once")])

                // A late subscriber gets the retained state with the retain flag set.
                let late = try Paho.Subscriber.start(in: resources, port: broker.port, filter: "\(base)/test/state")
                let retained = try await collect(late.messages(), count: 1) { !$0.topic.isEmpty }
                #expect(retained == [.init(topic: "\(base)/test/state", qos: 1, retain: true, payload: #"{"battery_soc_pct":87}"#)])
                await running.stop()
            }
        }

        @Test("subscriptions with + and # wildcards receive retained and live messages from paho")
        func subscribeWildcards() async throws {
            try await withTestResources { resources in
                let broker = try await Mosquitto.shared()
                let base = Mosquitto.uniqueTopicPrefix("wildcards")
                try await Paho.publish(port: broker.port, topic: "\(base)/sensors/kitchen/temp", payload: "21.5", retain: true)

                let running = RunningClient(testConfiguration(port: broker.port), in: resources)
                try await running.waitUntilConnected()
                let temps = try await running.client.subscribe(["\(base)/sensors/+/temp"])
                let all = try await running.client.subscribe(["\(base)/sensors/#"])
                let retained = try await collect(temps, count: 1)
                #expect(retained == [MQTTMessage(topic: "\(base)/sensors/kitchen/temp", payload: ByteBuffer(string: "21.5"), qos: .atLeastOnce, retain: true)])

                try await Paho.publish(port: broker.port, topic: "\(base)/sensors/hall/humidity", payload: "40")
                try await Paho.publish(port: broker.port, topic: "\(base)/sensors/hall/temp", payload: "19", qos: 0)
                // Subscribing to sensors/# made the broker resend the retained message; skip retained ones.
                let live = try await collect(temps, count: 1) { !$0.retain }
                #expect(live.map(\.topic) == ["\(base)/sensors/hall/temp"])
                let everything = try await collect(all, count: 2) { !$0.retain }
                #expect(everything.map(\.topic) == ["\(base)/sensors/hall/humidity", "\(base)/sensors/hall/temp"])
                await running.stop()
            }
        }

        @Test("a shared subscription splits messages between two clients, each delivered once")
        func sharedSubscription() async throws {
            try await withTestResources { resources in
                let broker = try await Mosquitto.shared()
                let base = Mosquitto.uniqueTopicPrefix("share")
                let first = RunningClient(testConfiguration(port: broker.port), in: resources)
                let second = RunningClient(testConfiguration(port: broker.port), in: resources)
                try await first.waitUntilConnected()
                try await second.waitUntilConnected()
                let a = try await first.client.subscribe(["$share/\(base)/\(base)/fleet/+/samples"])
                let b = try await second.client.subscribe(["$share/\(base)/\(base)/fleet/+/samples"])
                let publisher = RunningClient(testConfiguration(port: broker.port), in: resources)
                try await publisher.waitUntilConnected()
                for index in 0..<40 { try await publisher.client.publish(topic: "\(base)/fleet/edge\(index % 3)/samples", payload: "\(index)") }
                try await publisher.client.waitUntilDelivered()

                let merged = AsyncStream<MQTTMessage> { continuation in
                    let tasks = [a, b].map { stream in Task { for await message in stream { continuation.yield(message) } } }
                    continuation.onTermination = { _ in tasks.forEach { $0.cancel() } }
                }
                let received = try await collect(merged, count: 40)
                #expect(Set(received.map(\.payloadString)) == Set((0..<40).map { "\($0)" }), "each message exactly once across the group")
                for client in [first, second, publisher] { await client.stop() }
            }
        }

        @Test("TLS with a generated CA and password authentication; paho verifies over TLS too")
        func tlsAndAuthentication() async throws {
            try await withTestResources { resources in
                let certificates = try await TestCertificates.generate()
                defer { try? FileManager.default.removeItem(at: certificates.directory) }
                // A private broker: this one is configured with TLS and users.
                let broker = try await Mosquitto.start(.init(tls: certificates, users: ["edge": "s3cret pass"]), in: resources)
                let paho = try Paho.Subscriber.start(in: resources, port: broker.port, filter: "secure/#", user: "edge", password: "s3cret pass", caFile: certificates.caFile)
                let received = paho.messages()
                _ = try await collect(received, count: 1) { $0.payload == "SUBSCRIBED" }

                var configuration = testConfiguration(port: broker.port)
                configuration.tls = .init(caFile: certificates.caFile)
                configuration.username = "edge"
                configuration.password = Secret("s3cret pass")
                let running = RunningClient(configuration, in: resources)
                try await running.waitUntilConnected()
                try await running.client.publish(topic: "secure/hello", payload: "over tls")
                let messages = try await collect(received, count: 1)
                #expect(messages.map(\.payload) == ["over tls"])
                await running.stop()

                // Wrong password: the broker refuses and the client reports why, never connecting.
                var wrongPassword = configuration
                wrongPassword.password = Secret("nope")
                let refused = RunningClient(wrongPassword, in: resources)
                try await refused.waitForState { state in
                    if case .disconnected(let reason?) = state { reason.contains("unauthorized") } else { false }
                }
                #expect(refused.client.connectionState != .connected(sessionPresent: false))
                await refused.kill()

                // Plain text against the TLS port, and TLS against an untrusted CA, both fail.
                let otherCA = try await TestCertificates.generate()
                defer { try? FileManager.default.removeItem(at: otherCA.directory) }
                var untrusted = configuration
                untrusted.tls = .init(caFile: otherCA.caFile)
                let distrustful = RunningClient(untrusted, in: resources)
                try await distrustful.waitForState { state in
                    if case .disconnected(let reason?) = state { reason.lowercased().contains("certificate") || reason.contains("handshake") } else { false }
                }
                await distrustful.kill()
            }
        }

        @Test("birth message on connect, goodbye on graceful stop, will from the broker on a crash")
        func availability() async throws {
            try await withTestResources { resources in
                let broker = try await Mosquitto.shared()
                let base = Mosquitto.uniqueTopicPrefix("availability")
                let paho = try Paho.Subscriber.start(in: resources, port: broker.port, filter: "\(base)/inv1/availability")
                let received = paho.messages()
                _ = try await collect(received, count: 1) { $0.payload == "SUBSCRIBED" }
                var configuration = testConfiguration(port: broker.port, clientID: "\(base)-inv1")
                configuration.will = .init(topic: "\(base)/inv1/availability", payload: ByteBuffer(string: "offline"), qos: .atLeastOnce, retain: true)
                configuration.birth = .init(topic: "\(base)/inv1/availability", payload: ByteBuffer(string: "online"), qos: .atLeastOnce, retain: true)

                let graceful = RunningClient(configuration, in: resources)
                #expect(try await collect(received, count: 1).map(\.payload) == ["online"])
                await graceful.stop()
                #expect(try await collect(received, count: 1).map(\.payload) == ["offline"])

                let crashing = RunningClient(configuration, in: resources)
                #expect(try await collect(received, count: 1).map(\.payload) == ["online"])
                await crashing.kill()
                let will = try await collect(received, count: 1)
                #expect(will.map(\.payload) == ["offline"])
                #expect(will.first?.qos == 1)
            }
        }
    }
}
