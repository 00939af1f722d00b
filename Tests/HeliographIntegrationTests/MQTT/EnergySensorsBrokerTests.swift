import Foundation
import HeliographCore
import HeliographEnergy
import HeliographHomeAssistant
import HeliographMQTT
import HeliographMQTTCodec
import HeliographTesting
import Logging
import NIOCore
import Testing

extension BrokerSuites {
    /// The site's energy sensors through the MQTT sink and the real client, read back from mosquitto by paho.
    @Suite("Home Assistant energy sensors against mosquitto", .enabled(if: Mosquitto.isUsable && Paho.isUsable, "needs mosquitto and paho-mqtt (scripts/test-deps.d/mqtt.sh)"))
    struct EnergySensorsBrokerTests {
        @Test("one total_increasing kWh sensor per known site flow; the state never goes backwards")
        func energySensorsOverBroker() async throws {
            try await withTestResources { resources in
                let broker = try await Mosquitto.shared()
                let root = Mosquitto.uniqueTopicPrefix("energy")
                let topics = HomeAssistantDiscovery.Topics(base: "\(root)/heliograph", discoveryPrefix: "\(root)/homeassistant")
                let running = RunningClient(testConfiguration(port: broker.port), in: resources)
                try await running.waitUntilConnected()
                let sink = MQTTSampleSink(publisher: running.client, devices: [], configuration: .init(topics: topics), logger: Logger(label: "sink"))
                let paho = try Paho.Subscriber.start(in: resources, port: broker.port, filter: "\(root)/#")
                let log = MessageLog(paho.messages())
                // Subscribed before anything is published, so every message below arrives live and in order.
                try await Paho.publish(port: broker.port, topic: "\(root)/probe", payload: "ready", retain: true)
                try await log.first("the probe") { $0.topic == "\(root)/probe" }

                var totals = EnergyTotals()
                totals.record(day: "2026-01-15", figures: [.pv: 12.5, .load: 9.25, .gridImport: 1.5, .gridExport: 4.75])
                try await EnergySensors.publish(totals, through: sink, time: Date())
                try await running.client.waitUntilDelivered()

                let discoveryTopic = "\(root)/homeassistant/device/heliograph_site_energy/config"
                let discovery = try await log.first("the energy device's discovery") { $0.topic == discoveryTopic }
                let payload = try #require(try JSONSerialization.jsonObject(with: Data(discovery.payload.utf8)) as? [String: Any])
                #expect(payload["state_topic"] as? String == "\(root)/heliograph/site_energy/state")
                #expect((payload["device"] as? [String: Any])?["identifiers"] as? [String] == ["heliograph_site_energy"])
                let components = try #require(payload["components"] as? [String: [String: Any]])
                #expect(components.keys.sorted() == ["grid_export_kwh", "grid_import_kwh", "load_kwh", "pv_kwh"])
                for (id, component) in components {
                    // What HA's Energy dashboard requires of a sensor it offers for a flow.
                    #expect(component["platform"] as? String == "sensor", "\(id)")
                    #expect(component["device_class"] as? String == "energy", "\(id)")
                    #expect(component["state_class"] as? String == "total_increasing", "\(id)")
                    #expect(component["unit_of_measurement"] as? String == "kWh", "\(id)")
                    #expect(component["unique_id"] as? String == "heliograph_site_energy_\(id)")
                    #expect(component["value_template"] as? String == "{{ value_json.\(id) }}")
                }
                #expect(components["pv_kwh"]?["default_entity_id"] as? String == "sensor.heliograph_site_energy_pv_kwh")

                let stateTopic = "\(root)/heliograph/site_energy/state"
                let state = try await log.first("the energy state") { $0.topic == stateTopic }
                let values = try #require(try JSONSerialization.jsonObject(with: Data(state.payload.utf8)) as? [String: Any])
                #expect(values["pv_kwh"] as? Double == 12.5)
                #expect(values["grid_export_kwh"] as? Double == 4.75)
                #expect(try await log.first("pv on its own topic") { $0.topic == "\(root)/heliograph/site_energy/pv_kwh" }.payload == "12.5", "rounded to the field's Wh resolution, no trailing zeros, like every per-field topic")

                // The day is computed lower, then a battery appears: the flows' values stay, a battery sensor joins.
                let seen = log.all.count
                totals.record(day: "2026-01-15", figures: [.pv: 11, .load: 9.5, .batteryCharge: 2])
                try await EnergySensors.publish(totals, through: sink, time: Date())
                try await running.client.waitUntilDelivered()
                let announced = try await log.first(after: seen, "discovery with the battery") { $0.topic == discoveryTopic }
                let again = try #require(try JSONSerialization.jsonObject(with: Data(announced.payload.utf8)) as? [String: Any])
                #expect((again["components"] as? [String: Any])?.keys.sorted() == ["battery_charge_kwh", "grid_export_kwh", "grid_import_kwh", "load_kwh", "pv_kwh"])
                let next = try await log.first(after: seen, "the next energy state") { $0.topic == stateTopic }
                let nextValues = try #require(try JSONSerialization.jsonObject(with: Data(next.payload.utf8)) as? [String: Any])
                #expect(nextValues["pv_kwh"] as? Double == 12.5)
                #expect(nextValues["load_kwh"] as? Double == 9.5)
                #expect(nextValues["battery_charge_kwh"] as? Double == 2)
                await running.stop()
            }
        }
    }
}
