import Foundation
import HeliographCore
import HeliographHomeAssistant
import HeliographMQTT
import HeliographTesting
import Logging
import NIOCore
import Synchronization
import Testing

/// Records what reached the "gate" and answers like it would.
private final class FakeGate: Sendable {
    let received = Mutex<[SettingChange]>([])
    let reply: @Sendable (SettingChange) -> CommandReply

    init(reply: @escaping @Sendable (SettingChange) -> CommandReply = { CommandReply(result: "applied", message: "ok", readBack: $0.value) }) {
        self.reply = reply
    }

    func submit(_ change: SettingChange) async -> CommandReply {
        received.withLock { $0.append(change) }
        return reply(change)
    }
}

private func message(_ topic: String, _ payload: String, retain: Bool = false) -> MQTTMessage {
    MQTTMessage(topic: topic, payload: ByteBuffer(string: payload), qos: .atLeastOnce, retain: retain)
}

private let settings: [DeviceID: [SettingDescriptor]] = ["inv1": RecordingSettingsDriver.exampleSettings]

@Suite("MQTT commands and compatibility topics")
struct MQTTCommandsTests {
    @Test("command topics name device and setting; other topics do not parse")
    func topicParsing() {
        let topics = HomeAssistantDiscovery.Topics(base: "home/solar")
        #expect(topics.command("inv1", "buzzer") == "home/solar/inv1/set/buzzer")
        #expect(topics.commandFilter == "home/solar/+/set/+")
        #expect(topics.parseCommand("home/solar/inv1/set/buzzer")?.device == "inv1")
        #expect(topics.parseCommand("home/solar/inv1/set/buzzer")?.setting == "buzzer")
        #expect(topics.parseCommand("home/solar/inv1/set/buzzer/result") == nil)
        #expect(topics.parseCommand("home/solar/inv1/state") == nil)
        #expect(topics.parseCommand("other/inv1/set/buzzer") == nil)
    }

    @Test("payloads are read per setting kind")
    func payloads() {
        let choice = SettingDescriptor.Values.choice(["utility", "solar", "sbu"])
        #expect(SettingValue(mqttPayload: " SBU\n", for: choice) == .choice("sbu"))
        #expect(SettingValue(mqttPayload: "\"solar\"", for: choice) == .choice("solar"))
        #expect(SettingValue(mqttPayload: "", for: choice) == nil)
        let number = SettingDescriptor.Values.number(range: 10...120, step: 10, unit: .ampere)
        #expect(SettingValue(mqttPayload: "30", for: number) == .number(30))
        #expect(SettingValue(mqttPayload: "thirty", for: number) == nil)
        #expect(SettingValue(mqttPayload: "nan", for: number) == nil)
        #expect(SettingValue(mqttPayload: "ON", for: .toggle) == .toggle(true))
        #expect(SettingValue(mqttPayload: "false", for: .toggle) == .toggle(false))
        #expect(SettingValue(mqttPayload: "maybe", for: .toggle) == nil)
        #expect(SettingValue.number(30).mqttPayload == "30")
        #expect(SettingValue.number(52.5).mqttPayload == "52.5")
        #expect(SettingValue.toggle(true).mqttPayload == "ON")
    }

    @Test("a command goes through the gate; result and read-back are published")
    func commandApplied() async throws {
        let recorder = RecordingPublisher()
        let gate = FakeGate { CommandReply(result: "applied", message: "applied and read back", readBack: $0.value) }
        let commands = MQTTCommands(publisher: recorder, configuration: .init(settings: settings), logger: Logger(label: "test")) { await gate.submit($0) }
        await commands.handle(message("heliograph/inv1/set/output_source_priority", "sbu"))
        #expect(gate.received.withLock { $0 } == [SettingChange(device: "inv1", setting: "output_source_priority", value: .choice("sbu"))])
        let result = try #require(recorder.all.first { $0.topic == "heliograph/inv1/set/output_source_priority/result" })
        #expect(!result.retain)
        let object = try json(result.payload)
        #expect(object["result"] as? String == "applied")
        #expect(object["read_back"] as? String == "sbu")
        #expect(object["value"] as? String == "sbu")
        let state = try #require(recorder.all.first { $0.topic == "heliograph/inv1/setting/output_source_priority" })
        #expect(state.payload == "sbu" && state.retain)
        #expect(commands.statistics.applied == 1)
    }

    @Test("refusals are reported with their reason and the entity returns to the device's value")
    func commandRefused() async throws {
        let recorder = RecordingPublisher()
        let gate = FakeGate { _ in CommandReply(result: "rejected", message: "max_charge_current must be within 10...120; got 500") }
        let commands = MQTTCommands(publisher: recorder, configuration: .init(settings: settings), logger: Logger(label: "test")) { await gate.submit($0) }
        // The device reported 30 A in a sample first.
        try await commands.write([Sample(device: "inv1", time: Date(), values: ["max_charge_current_a": 30])])
        await commands.handle(message("heliograph/inv1/set/max_charge_current", "500"))
        let result = try json(try #require(recorder.all.first { $0.topic.hasSuffix("/result") }).payload)
        #expect(result["result"] as? String == "rejected")
        #expect((result["message"] as? String)?.contains("10...120") == true)
        #expect(result["read_back"] is NSNull)
        let states = recorder.all.filter { $0.topic == "heliograph/inv1/setting/max_charge_current" }.map(\.payload)
        #expect(states == ["30", "30"], "published from the sample, then again after the refusal")

        // Unreadable payloads never reach the gate; unknown settings do (so the gate audits them).
        await commands.handle(message("heliograph/inv1/set/buzzer", "loud"))
        await commands.handle(message("heliograph/inv1/set/self_destruct", "ON"))
        await commands.handle(message("heliograph/ghost/set/buzzer", "ON"))
        #expect(gate.received.withLock { $0.map(\.setting) } == ["max_charge_current", "self_destruct", "buzzer"])
        #expect(gate.received.withLock { $0.last?.device } == "ghost")
        let buzzer = try json(try #require(recorder.all.first { $0.topic == "heliograph/inv1/set/buzzer/result" }).payload)
        #expect((buzzer["message"] as? String)?.contains("ON or OFF") == true)
        #expect(commands.statistics.unreadable == 1)
    }

    @Test("retained commands are ignored: they would be applied again on every reconnect")
    func retainedIgnored() async {
        let recorder = RecordingPublisher()
        let gate = FakeGate()
        let commands = MQTTCommands(publisher: recorder, configuration: .init(settings: settings), logger: Logger(label: "test")) { await gate.submit($0) }
        await commands.handle(message("heliograph/inv1/set/buzzer", "ON", retain: true))
        #expect(gate.received.withLock { $0.isEmpty })
        #expect(recorder.all.isEmpty)
        #expect(commands.statistics.ignoredRetained == 1)
    }

    @Test("setting values from samples are published when they change")
    func settingStateFromSamples() async throws {
        let recorder = RecordingPublisher()
        let commands = MQTTCommands(publisher: recorder, configuration: .init(settings: settings), logger: Logger(label: "test")) { _ in
            CommandReply(result: "applied", message: "")
        }
        let sample = Sample(device: "inv1", time: Date(), values: ["output_source_priority": "solar", "max_charge_current_a": 40, "pv_power_w": 100])
        try await commands.write([sample, sample])
        #expect(recorder.all.map(\.topic).sorted() == ["heliograph/inv1/setting/max_charge_current", "heliograph/inv1/setting/output_source_priority"])
        try await commands.write([Sample(device: "inv1", time: Date(), values: ["output_source_priority": "sbu"])])
        #expect(recorder.all.last?.payload == "sbu")
        #expect(recorder.all.count == 3)
    }

    @Test("discovery offers select, number and switch entities for the settings")
    func discoveryEntities() throws {
        let discovery = HomeAssistantDiscovery()
        let payload = discovery.payload(for: inverter, settings: RecordingSettingsDriver.exampleSettings)
        let components = try #require(payload["components"] as? [String: [String: Any]])
        let select = try #require(components["output_source_priority_setting"])
        #expect(select["platform"] as? String == "select")
        #expect(select["options"] as? [String] == ["utility", "solar", "sbu"])
        #expect(select["command_topic"] as? String == "heliograph/inv1/set/output_source_priority")
        #expect(select["state_topic"] as? String == "heliograph/inv1/setting/output_source_priority")
        #expect(select["unique_id"] as? String == "heliograph_inv1_output_source_priority_setting")
        #expect(select["entity_category"] as? String == "config")
        let number = try #require(components["max_charge_current_setting"])
        #expect(number["platform"] as? String == "number")
        #expect(number["min"] as? Double == 10 && number["max"] as? Double == 120 && number["step"] as? Double == 10)
        #expect(number["unit_of_measurement"] as? String == "A")
        let toggle = try #require(components["buzzer_setting"])
        #expect(toggle["platform"] as? String == "switch")
        #expect(toggle["payload_on"] as? String == "ON")
        // No command entities without settings.
        let plain = try #require(discovery.payload(for: inverter)["components"] as? [String: Any])
        #expect(!plain.keys.contains { $0.hasSuffix("_setting") })
    }

    @Test("compatibility topics: metrics and actual_mode from samples; set_mode is a guarded command with desired_mode")
    func compatibility() async throws {
        let recorder = RecordingPublisher()
        let mode = RecordingSettingsDriver.exampleSettings[0]
        let compatibility = CompatibilityTopics(device: "inv1", modeSetting: CompatibilityTopics.modeSetting(in: RecordingSettingsDriver.exampleSettings))
        #expect(compatibility.modeSetting == mode)
        let sink = MQTTSampleSink(
            publisher: recorder, devices: [inverter], configuration: .init(perFieldTopics: false, discovery: false, compatibility: compatibility),
            logger: Logger(label: "test"))
        try await sink.write([Sample(device: "inv1", time: Date(), values: ["pv_power_w": 1500, "output_source_priority": "solar"])])
        try await sink.write([Sample(device: "other", time: Date(), values: ["pv_power_w": 1])])
        let byTopic = Dictionary(recorder.all.map { ($0.topic, $0.payload) }) { a, _ in a }
        #expect(byTopic["homeassistant/inverter/pv_power_w"] == "1500")
        #expect(byTopic["homeassistant/inverter/actual_mode"] == "solar")
        #expect(recorder.all.filter { $0.topic.hasPrefix("homeassistant/inverter/") }.count == 3, "only the chosen device")

        let gate = FakeGate { CommandReply(result: "applied", message: "ok", readBack: $0.value) }
        let commands = MQTTCommands(publisher: recorder, configuration: .init(settings: settings, compatibility: compatibility), logger: Logger(label: "test")) {
            await gate.submit($0)
        }
        await commands.handle(message("homeassistant/inverter/set_mode", "SBU"))
        #expect(gate.received.withLock { $0 } == [SettingChange(device: "inv1", setting: "output_source_priority", value: .choice("sbu"))])
        let latest = Dictionary(recorder.all.map { ($0.topic, $0.payload) }) { _, b in b }
        #expect(latest["homeassistant/inverter/desired_mode"] == "sbu")
        #expect(latest["homeassistant/inverter/actual_mode"] == "sbu")
        // A device without a mode shows its operating mode and refuses set_mode.
        let plain = CompatibilityTopics(device: "inv1")
        #expect(plain.actualMode(in: Sample(device: "inv1", time: Date(), values: ["operating_mode": "Line"])) == "Line")
    }
}
