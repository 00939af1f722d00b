import Foundation
import HeliographCore
import HeliographHomeAssistant
import HeliographMQTT
import HeliographMQTTCodec
import HeliographTesting
import Logging
import NIOCore
import Synchronization
import Testing

/// Records publishes and lets the test inject subscribed messages.
final class RecordingPublisher: MQTTPublisher {
    struct Published: Sendable, Equatable {
        var topic: String
        var payload: String
        var qos: QoS
        var retain: Bool
    }

    let published = Mutex<[Published]>([])
    let subscriptions = Mutex<[AsyncStream<MQTTMessage>.Continuation]>([])

    func publish(topic: String, payload: ByteBuffer, qos: QoS, retain: Bool) async throws {
        published.withLock { $0.append(.init(topic: topic, payload: String(buffer: payload), qos: qos, retain: retain)) }
    }

    func subscribe(_ filters: [String], qos: QoS, bufferSize: Int) async throws -> AsyncStream<MQTTMessage> {
        let (stream, continuation) = AsyncStream.makeStream(of: MQTTMessage.self)
        subscriptions.withLock { $0.append(continuation) }
        return stream
    }

    var all: [Published] { published.withLock { $0 } }
}

let inverter = DeviceDescriptor(
    kind: "pi30", id: "inv1", name: "Hybrid inverter", manufacturer: "Voltronic", model: "Axpert", serial: "9231",
    fields: [
        CommonFields.batteryVoltage, CommonFields.pvPower, CommonFields.batterySOC, CommonFields.pvEnergyToday,
        CommonFields.pvEnergyTotal, CommonFields.operatingMode, .flag("grid_charging", "Grid charging"),
        FieldDescriptor(id: "odd_energy_kwh", name: "Mislabelled energy", unit: .kilowattHour, deviceClass: .energy, stateClass: .measurement),
    ])

func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

@Suite("Home Assistant discovery and the MQTT sink")
struct HomeAssistantTests {
    @Test("device-based discovery carries the keys HA requires and sane classes")
    func discoveryPayload() throws {
        let discovery = HomeAssistantDiscovery(softwareVersion: "0.1")
        #expect(discovery.topics.discovery("inv1") == "homeassistant/device/heliograph_inv1/config")
        let payload = try json(String(decoding: try discovery.payloadData(for: inverter), as: UTF8.self))
        let device = try #require(payload["device"] as? [String: Any])
        #expect(device["identifiers"] as? [String] == ["heliograph_inv1"])
        #expect(device["serial_number"] as? String == "9231")
        #expect((payload["origin"] as? [String: Any])?["name"] as? String == "heliograph")
        #expect(payload["availability_topic"] as? String == "heliograph/availability")
        #expect(payload["state_topic"] as? String == "heliograph/inv1/state")
        let components = try #require(payload["components"] as? [String: [String: Any]])
        #expect(components.count == inverter.fields.count)
        let legal = try Regex("^[a-zA-Z0-9_-]+$")
        for (id, component) in components {
            #expect(id.wholeMatch(of: legal) != nil)
            #expect(component["platform"] is String, "\(id) has a platform")
            let uniqueID = try #require(component["unique_id"] as? String)
            #expect(uniqueID == "heliograph_inv1_\(id)")
            #expect((component["default_entity_id"] as? String)?.hasSuffix(".\(uniqueID)") == true)
            if component["device_class"] as? String == "energy" {
                #expect(component["state_class"] as? String != "measurement", "\(id): energy is never a measurement")
            }
        }
        let power = try #require(components["pv_power_w"])
        #expect(power["device_class"] as? String == "power")
        #expect(power["state_class"] as? String == "measurement")
        #expect(power["unit_of_measurement"] as? String == "W")
        #expect(power["value_template"] as? String == "{{ value_json.pv_power_w }}")
        #expect(components["pv_energy_today_kwh"]?["state_class"] as? String == "total")
        #expect(components["pv_energy_total_kwh"]?["state_class"] as? String == "total_increasing")
        #expect(components["odd_energy_kwh"]?["state_class"] as? String == "total_increasing")
        #expect(components["grid_charging"]?["platform"] as? String == "binary_sensor")
        #expect(components["operating_mode"]?["device_class"] == nil, "enum needs options, which fields lack")
    }

    @Test("a sample becomes retained state JSON and per-field topics; discovery goes first, once")
    func sinkPublishes() async throws {
        let recorder = RecordingPublisher()
        let sink = MQTTSampleSink(publisher: recorder, devices: [inverter], logger: Logger(label: "test"))
        let time = Date(timeIntervalSince1970: 1_795_000_000)
        let sample = Sample(device: "inv1", time: time, values: [
            "battery_voltage_v": 52.126, "pv_power_w": 1234, "grid_charging": true, "operating_mode": "Battery", "bogus_w": .number(.nan),
        ])
        try await sink.write([sample])
        try await sink.write([sample])
        let published = recorder.all
        #expect(published.first?.topic == "homeassistant/device/heliograph_inv1/config")
        #expect(published.filter { $0.topic.hasPrefix("homeassistant/") }.count == 1, "discovery sent once")
        #expect(published.allSatisfy { $0.retain && $0.qos == .atLeastOnce })

        let state = try #require(published.first { $0.topic == "heliograph/inv1/state" })
        let object = try json(state.payload)
        #expect(object["battery_voltage_v"] as? Double == 52.13, "rounded to the field's precision")
        #expect(object["grid_charging"] as? Bool == true)
        #expect(object["operating_mode"] as? String == "Battery")
        #expect(object["bogus_w"] == nil, "NaN is left out")
        #expect(object["time"] as? String == "2026-11-18T11:06:40Z")

        let fields = Dictionary(published.filter { !$0.topic.hasSuffix("/state") && $0.topic.hasPrefix("heliograph/") }.map { ($0.topic, $0.payload) }) { a, _ in a }
        #expect(fields["heliograph/inv1/battery_voltage_v"] == "52.13")
        #expect(fields["heliograph/inv1/pv_power_w"] == "1234")
        #expect(fields["heliograph/inv1/grid_charging"] == "ON")
        #expect(fields["heliograph/inv1/operating_mode"] == "Battery")
        #expect(fields["heliograph/inv1/bogus_w"] == nil)
    }

    @Test("state JSON and field topics carry numbers at the field's resolution, never -0, and no dropped field")
    func numbersAtResolution() async throws {
        let recorder = RecordingPublisher()
        let sink = MQTTSampleSink(publisher: recorder, devices: [inverter], logger: Logger(label: "test"))
        // 2311 × 0.1 as a Deye register scales it; −0.3 W rounds to zero watts; SOC was dropped by the validator.
        let sample = Sample(device: "inv1", time: Date(timeIntervalSince1970: 1_795_000_000), values: [
            "battery_voltage_v": .number(2_311 * 0.1 / 4.4), "pv_power_w": .number(-0.3), "undescribed_v": .number(2_311 * 0.1),
        ])
        #expect("\(2_311 * 0.1)" == "231.10000000000002", "the binary noise this guards against")
        try await sink.write([sample])
        let state = try #require(recorder.all.first { $0.topic == "heliograph/inv1/state" })
        #expect(state.payload.contains(#""battery_voltage_v":52.52"#))
        #expect(try json(state.payload)["pv_power_w"] as? Double == 0)
        #expect(state.payload.contains(#""undescribed_v":231.1"#), "unknown fields lose the noise too: \(state.payload)")
        #expect(!state.payload.contains("-0"), "\(state.payload)")
        #expect(!state.payload.contains("battery_soc_pct"), "a dropped field is not repeated under the new time")
        let fields = Dictionary(recorder.all.map { ($0.topic, $0.payload) }) { a, _ in a }
        #expect(fields["heliograph/inv1/battery_voltage_v"] == "52.52")
        #expect(fields["heliograph/inv1/pv_power_w"] == "0")
        #expect(fields["heliograph/inv1/undescribed_v"] == "231.1")
    }

    @Test("Home Assistant coming online triggers discovery and the last state again")
    func reannounce() async throws {
        let recorder = RecordingPublisher()
        let sink = MQTTSampleSink(publisher: recorder, devices: [inverter], configuration: .init(perFieldTopics: false), logger: Logger(label: "test"))
        try await sink.write([Sample(device: "inv1", time: Date(), values: ["pv_power_w": 10])])
        let running = Task { try await sink.run() }
        defer { running.cancel() }
        try await eventually("sink subscribed to homeassistant/status") { !recorder.subscriptions.withLock { $0.isEmpty } }
        let status = recorder.subscriptions.withLock { $0[0] }
        status.yield(MQTTMessage(topic: "homeassistant/status", payload: ByteBuffer(string: "offline"), qos: .atLeastOnce, retain: false))
        status.yield(MQTTMessage(topic: "homeassistant/status", payload: ByteBuffer(string: "online"), qos: .atLeastOnce, retain: false))
        try await eventually("discovery re-sent") { recorder.all.count == 4 }
        #expect(recorder.all.map(\.topic) == [
            "homeassistant/device/heliograph_inv1/config", "heliograph/inv1/state",
            "homeassistant/device/heliograph_inv1/config", "heliograph/inv1/state",
        ])
    }
}
