import Foundation
import HeliographCore
import HeliographHomeAssistant
import HeliographMQTT
import HeliographMQTTCodec
import HeliographTesting
import Logging
import NIOCore
import ServiceLifecycle
import Testing

extension BrokerSuites {
    /// The Home Assistant sink over the real client and mosquitto, read back by paho.
    @Suite("MQTT sample sink against mosquitto", .enabled(if: Mosquitto.isUsable && Paho.isUsable, "needs mosquitto and paho-mqtt (scripts/test-deps.d/mqtt.sh)"))
    struct SampleSinkBrokerTests {
        @Test("discovery, state and availability are retained on the broker; HA 'online' re-announces")
        func sinkOverBroker() async throws {
            try await withTestResources { resources in
                // The shared broker: our topics and HA's discovery prefix both sit under a prefix of this test's own.
                let broker = try await Mosquitto.shared()
                let root = Mosquitto.uniqueTopicPrefix("sink")
                let device = DeviceDescriptor(
                    kind: "pi30", id: "inv1", manufacturer: "Voltronic", model: "Axpert",
                    fields: [CommonFields.pvPower, CommonFields.batterySOC])
                let topics = HomeAssistantDiscovery.Topics(base: "\(root)/heliograph", discoveryPrefix: "\(root)/homeassistant")
                var configuration = testConfiguration(port: broker.port)
                configuration.will = .init(topic: topics.availability, payload: ByteBuffer(string: "offline"))
                configuration.birth = .init(topic: topics.availability, payload: ByteBuffer(string: "online"))
                let running = RunningClient(configuration, in: resources)
                try await running.waitUntilConnected()
                let sink = MQTTSampleSink(publisher: running.client, devices: [device], configuration: .init(topics: topics), logger: Logger(label: "sink"))
                let sinkTask = Task { try await sink.run() }
                resources.onCleanup {
                    sinkTask.cancel()
                    _ = await sinkTask.result
                }

                try await sink.write([Sample(device: "inv1", time: Date(), values: ["pv_power_w": 1500, "battery_soc_pct": 81])])
                try await running.client.waitUntilDelivered()

                // A subscriber arriving later sees everything retained.
                let paho = try Paho.Subscriber.start(in: resources, port: broker.port, filter: "\(root)/#")
                let received = paho.messages()
                let retained = try await collect(received, count: 5) { $0.retain }
                let byTopic = Dictionary(retained.map { ($0.topic, $0.payload) }) { a, _ in a }
                #expect(byTopic["\(root)/heliograph/availability"] == "online")
                #expect(byTopic["\(root)/heliograph/inv1/pv_power_w"] == "1500")
                #expect(byTopic["\(root)/heliograph/inv1/battery_soc_pct"] == "81")
                let state = try #require(byTopic["\(root)/heliograph/inv1/state"])
                let object = try #require(try JSONSerialization.jsonObject(with: Data(state.utf8)) as? [String: Any])
                #expect(object["pv_power_w"] as? Double == 1500)
                let discovery = try #require(byTopic["\(root)/homeassistant/device/heliograph_inv1/config"])
                let payload = try #require(try JSONSerialization.jsonObject(with: Data(discovery.utf8)) as? [String: Any])
                #expect((payload["components"] as? [String: Any])?.keys.sorted() == ["battery_soc_pct", "pv_power_w"])

                // Home Assistant restarts: the sink re-sends discovery.
                try await Paho.publish(port: broker.port, topic: "\(root)/homeassistant/status", payload: "online")
                let again = try await collect(received, count: 1) { $0.topic == "\(root)/homeassistant/device/heliograph_inv1/config" && !$0.retain }
                #expect(again.first?.payload == discovery)
                await running.stop()
            }
        }
    }
}
