import Foundation
import HeliographAutomation
import HeliographCore
import HeliographMQTT
import HeliographTesting
import Logging
import Testing

/// The automation's publisher over the real client.
private struct ClientPublisher: MessagePublisher {
    let client: MQTTClient
    func publish(topic: String, payload: String, retain: Bool) async throws {
        try await client.publish(topic: topic, payload: payload, qos: .atLeastOnce, retain: retain)
    }
}

extension BrokerSuites {
    /// Load switching and MQTT alerts through mosquitto, heard by paho as a smart plug would.
    @Suite("Load switches against mosquitto", .enabled(if: Mosquitto.isUsable && Paho.isUsable, "needs mosquitto and paho-mqtt (scripts/test-deps.d/mqtt.sh)"))
    struct LoadSwitchBrokerTests {
        @Test("A simulated SOC curve drives a Tasmota and a Shelly switch: one ON and one OFF each, on their topics")
        func switchesOverBroker() async throws {
            try await withTestResources { resources in
                // A private broker: the Tasmota and Shelly command topics have fixed roots (cmnd/, shellies/)
                // and paho listens on '#' to see that nothing else is sent.
                let broker = try await Mosquitto.start(in: resources)
                let running = RunningClient(testConfiguration(port: broker.port), in: resources)
                try await running.waitUntilConnected()
                let paho = try Paho.Subscriber.start(in: resources, port: broker.port, filter: "#")
                let received = paho.messages()
                _ = try await collect(received, count: 1) { $0.topic.isEmpty && $0.payload == "SUBSCRIBED" }

                let feed = BroadcastLiveFeed()
                let boiler = try #require(LoadSwitch.styled(.tasmota, id: "boiler", name: nil, topic: nil, payloadOn: nil, payloadOff: nil))
                let pump = try #require(LoadSwitch.styled(.shelly, id: "pump", name: "shelly1-98CDAC", topic: nil, payloadOn: nil, payloadOff: nil))
                let rules = [
                    SwitchRule(
                        id: "boiler",
                        onWhen: [try Condition.parse("inverter.battery_soc_pct > 90"), try Condition.parse("inverter.pv_power_w > inverter.load_power_w + 1500")],
                        offWhen: [try Condition.parse("inverter.battery_soc_pct < 60")]
                    ),
                    SwitchRule(id: "pump", onWhen: [try Condition.parse("inverter.battery_soc_pct >= 95")], offWhen: [try Condition.parse("inverter.battery_soc_pct < 80")]),
                ]
                let service = SwitchService(
                    configuration: .init(rules: rules, switches: [boiler, pump], timeZone: TimeZone(identifier: "UTC")!, tick: .seconds(3_600)),
                    feed: feed,
                    publisher: ClientPublisher(client: running.client),
                    audit: nil,
                    logger: Logger(label: "switches")
                )
                let task = Task { try await service.run() }
                resources.onCleanup {
                    task.cancel()
                    _ = await task.result
                }
                try await eventually("the switch service subscribed") { feed.subscriberCount == 1 }

                // SOC rises from 82 to 97 and falls back to 55, jittering by ±1 around each threshold.
                let curve: [Double] = [82, 85, 89, 91, 90, 92, 94, 96, 97, 96, 97, 95, 93, 88, 81, 79, 81, 78, 70, 62, 59, 61, 58, 55]
                let start = Date()
                for (index, soc) in curve.enumerated() {
                    feed.publish(Sample(device: "inverter", time: start.addingTimeInterval(Double(index)), values: ["battery_soc_pct": .number(soc), "pv_power_w": 4_000, "load_power_w": 900]))
                }
                let commands = try await collect(received, count: 4) { $0.topic.hasPrefix("cmnd/") || $0.topic.hasPrefix("shellies/") }
                #expect(commands.filter { $0.topic == "cmnd/boiler/POWER" }.map(\.payload) == ["ON", "OFF"])
                #expect(commands.filter { $0.topic == "shellies/shelly1-98CDAC/relay/0/command" }.map(\.payload) == ["on", "off"])
                // Nothing more arrives: a marker published after the curve comes next.
                try await running.client.publish(topic: "test/marker", payload: "end", qos: .atLeastOnce, retain: false)
                let next = try await collect(received, count: 1) { $0.topic != "test/marker" ? $0.topic.hasPrefix("cmnd/") || $0.topic.hasPrefix("shellies/") : true }
                #expect(next.first?.topic == "test/marker")
                let states = await service.switches()
                #expect(states.map(\.on) == [false, false])
                await running.stop()
            }
        }

        @Test("Alerts are published retained as JSON on heliograph/alerts/<rule>")
        func alertsOverBroker() async throws {
            try await withTestResources { resources in
                // A broker of its own: alerts go retained to the fixed heliograph/alerts/ prefix, which would
                // outlive this test on the shared broker.
                let broker = try await Mosquitto.start(in: resources)
                let running = RunningClient(testConfiguration(port: broker.port), in: resources)
                try await running.waitUntilConnected()
                let channel = MQTTAlertChannel(publisher: ClientPublisher(client: running.client))
                let alert = AlertRecord(time: Date(timeIntervalSince1970: 1_782_036_000), rule: "battery-low", state: .firing, severity: "critical", message: "SOC 9 < 15", notified: true)
                try await channel.deliver(alert, logger: Logger(label: "alerts"))
                try await running.client.waitUntilDelivered()
                let paho = try Paho.Subscriber.start(in: resources, port: broker.port, filter: "heliograph/alerts/#")
                let message = try #require(try await collect(paho.messages(), count: 1) { $0.topic.hasPrefix("heliograph/alerts/") }.first)
                #expect(message.topic == "heliograph/alerts/battery-low")
                #expect(message.retain)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(message.payload.utf8)) as? [String: String])
                #expect(json["state"] == "firing" && json["message"] == "SOC 9 < 15" && json["time"] == "2026-06-21T10:00:00Z")
                await running.stop()
            }
        }
    }
}
