import Foundation
import HeliographCore
import HeliographMQTT
import HeliographMQTTCodec
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// What the guarded command path answered for one request.
public struct CommandReply: Sendable, Hashable {
    /// `applied`, `rejected` (refused before or by the device), `failed` (the device could not be
    /// reached, or read back something else).
    public var result: String
    public var message: String
    /// What the device reports after the change, when it can.
    public var readBack: SettingValue?

    public init(result: String, message: String, readBack: SettingValue? = nil) {
        self.result = result
        self.message = message
        self.readBack = readBack
    }
}

/// Setting changes over MQTT, for Home Assistant's `select`/`number`/`switch` entities and scripts.
///
/// Subscribes to `<base>/+/set/+` (and the compatibility `set_mode` topic) and hands every request
/// to `submit`, which the daemon connects to the same `CommandGate` the web uses (allow-list,
/// ranges, rate limit, audit log, read-back). The outcome is published as JSON on
/// `<base>/<device>/set/<setting>/result`, and the device's value on the retained
/// `<base>/<device>/setting/<setting>`, which is also refreshed from the read-back fields of every
/// sample (as a `SampleSink`). Retained command messages are ignored: a command left on the
/// broker would otherwise be applied again on every reconnect. Requests are handled one at a
/// time; at most `queueLimit` wait, beyond which the oldest are dropped.
public final class MQTTCommands: SampleSink, Service {
    public typealias Submit = @Sendable (SettingChange) async -> CommandReply

    public struct Configuration: Sendable {
        public var topics: HomeAssistantDiscovery.Topics
        /// The allow-list: controllable devices and their settings.
        public var settings: [DeviceID: [SettingDescriptor]]
        /// The older `set_mode`/`desired_mode` topics, when enabled.
        public var compatibility: CompatibilityTopics?
        /// Requests waiting to be handled; the oldest are dropped beyond this.
        public var queueLimit: Int

        public init(
            topics: HomeAssistantDiscovery.Topics = .init(),
            settings: [DeviceID: [SettingDescriptor]],
            compatibility: CompatibilityTopics? = nil,
            queueLimit: Int = 64
        ) {
            self.topics = topics
            self.settings = settings
            self.compatibility = compatibility
            self.queueLimit = max(1, queueLimit)
        }
    }

    /// Counters for diagnostics.
    public struct Statistics: Sendable, Hashable {
        public var received = 0
        public var applied = 0
        public var refused = 0
        /// Payloads that were not a value of the setting (never reached the gate).
        public var unreadable = 0
        public var ignoredRetained = 0
    }

    public let name = "mqtt-settings"
    public let configuration: Configuration
    private let publisher: any MQTTPublisher
    private let submit: Submit
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var published: [DeviceID: [String: SettingValue]] = [:]
        var statistics = Statistics()
    }

    public init(publisher: any MQTTPublisher, configuration: Configuration, logger: Logger, submit: @escaping Submit) {
        self.publisher = publisher
        self.configuration = configuration
        self.logger = logger
        self.submit = submit
    }

    public var statistics: Statistics { state.withLock { $0.statistics } }

    // MARK: - Settings state from samples

    /// Publishes the read-back values samples carry, when they differ from what was published last.
    public func write(_ samples: [Sample]) async throws {
        for sample in samples {
            guard let settings = configuration.settings[sample.device] else { continue }
            for setting in settings {
                guard let field = setting.readBack, let raw = sample.values[field], let value = SettingValue(raw) else { continue }
                try await publishSetting(sample.device, setting.id, value, force: false)
            }
        }
    }

    // MARK: - Commands

    public func run() async throws {
        var filters = [configuration.topics.commandFilter]
        if let compatibility = configuration.compatibility { filters.append(compatibility.setMode) }
        let requests = try await publisher.subscribe(filters, qos: .atLeastOnce, bufferSize: configuration.queueLimit)
        for await request in requests.cancelOnGracefulShutdown() {
            await handle(request)
        }
    }

    /// Handles one received message (public for tests that drive it without a broker).
    public func handle(_ message: MQTTMessage) async {
        state.withLock { $0.statistics.received += 1 }
        guard !message.retain else {
            state.withLock { $0.statistics.ignoredRetained += 1 }
            logger.warning("Ignoring a retained MQTT command; publish commands without the retain flag", metadata: ["mqtt.topic": "\(message.topic)"])
            return
        }
        let text = String(message.payloadString.prefix(256))
        if let compatibility = configuration.compatibility, message.topic == compatibility.setMode {
            await setMode(text, compatibility)
            return
        }
        guard let (device, setting) = configuration.topics.parseCommand(message.topic) else { return }
        guard let descriptor = configuration.settings[device]?.first(where: { $0.id == setting }) else {
            // Not on the allow-list: the gate refuses it, and the refusal is audited like any other.
            await execute(SettingChange(device: device, setting: setting, value: .choice(text)), requested: text)
            return
        }
        guard let value = SettingValue(mqttPayload: text, for: descriptor.values) else {
            state.withLock { $0.statistics.unreadable += 1 }
            let reply = CommandReply(result: "rejected", message: "'\(text)' is not a value of \(setting) (\(Self.expected(descriptor.values)))")
            await report(device, setting, requested: text, reply)
            await restoreSetting(device, setting)
            return
        }
        await execute(SettingChange(device: device, setting: setting, value: value), requested: text)
    }

    private func setMode(_ text: String, _ compatibility: CompatibilityTopics) async {
        guard let mode = compatibility.modeSetting else {
            state.withLock { $0.statistics.unreadable += 1 }
            logger.warning("set_mode received, but \(compatibility.device) has no mode setting")
            return
        }
        guard let value = SettingValue(mqttPayload: text, for: mode.values) else {
            state.withLock { $0.statistics.unreadable += 1 }
            await report(compatibility.device, mode.id, requested: text, CommandReply(result: "rejected", message: "'\(text)' is not a mode (\(Self.expected(mode.values)))"))
            return
        }
        do {
            try await publisher.publish(topic: compatibility.desiredMode, payload: ByteBuffer(string: value.mqttPayload), qos: .atLeastOnce, retain: true)
        } catch {
            logger.warning("Could not publish desired_mode", metadata: ["error": "\(error)"])
        }
        await execute(SettingChange(device: compatibility.device, setting: mode.id, value: value), requested: text)
    }

    private func execute(_ change: SettingChange, requested: String) async {
        let reply = await submit(change)
        state.withLock { $0.statistics.applied += reply.result == "applied" ? 1 : 0 }
        state.withLock { $0.statistics.refused += reply.result == "applied" ? 0 : 1 }
        await report(change.device, change.setting, requested: requested, reply)
        if let compatibility = configuration.compatibility, compatibility.device == change.device, compatibility.modeSetting?.id == change.setting,
            let mode = reply.readBack ?? (reply.result == "applied" ? change.value : nil)
        {
            try? await publisher.publish(topic: compatibility.actualMode, payload: ByteBuffer(string: mode.mqttPayload), qos: .atLeastOnce, retain: true)
        }
        do {
            if let readBack = reply.readBack {
                try await publishSetting(change.device, change.setting, readBack, force: true)
            } else if reply.result == "applied" {
                try await publishSetting(change.device, change.setting, change.value, force: true)
            } else {
                await restoreSetting(change.device, change.setting)
            }
        } catch {
            logger.warning("Could not publish a setting's value", metadata: ["device.id": "\(change.device)", "setting": "\(change.setting)", "error": "\(error)"])
        }
    }

    /// Publishes the result of one request: `{"setting","value","result","message","read_back","time"}`.
    private func report(_ device: DeviceID, _ setting: String, requested: String, _ reply: CommandReply) async {
        var object: [String: Any] = [
            "device": device.rawValue,
            "setting": setting,
            "value": requested,
            "result": reply.result,
            "message": reply.message,
            "time": ISO8601DateFormatter().string(from: Date()),
        ]
        object["read_back"] = reply.readBack.map { $0.mqttPayload } ?? NSNull()
        logger.info(
            "MQTT command",
            metadata: ["device.id": "\(device)", "setting": "\(setting)", "command.result": "\(reply.result)", "command.message": "\(reply.message)"]
        )
        do {
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            try await publisher.publish(topic: configuration.topics.commandResult(device, setting), payload: ByteBuffer(bytes: data), qos: .atLeastOnce, retain: false)
        } catch {
            logger.warning("Could not publish a command result", metadata: ["device.id": "\(device)", "setting": "\(setting)", "error": "\(error)"])
        }
    }

    /// Publishes the last known value again, so an entity that showed the refused value optimistically snaps back.
    private func restoreSetting(_ device: DeviceID, _ setting: String) async {
        guard let last = state.withLock({ $0.published[device]?[setting] }) else { return }
        try? await publishSetting(device, setting, last, force: true)
    }

    private func publishSetting(_ device: DeviceID, _ setting: String, _ value: SettingValue, force: Bool) async throws {
        let changed = state.withLock { state -> Bool in
            let changed = state.published[device]?[setting] != value
            state.published[device, default: [:]][setting] = value
            return changed
        }
        guard changed || force else { return }
        do {
            try await publisher.publish(topic: configuration.topics.setting(device, setting), payload: ByteBuffer(string: value.mqttPayload), qos: .atLeastOnce, retain: true)
        } catch {
            // Forget it, so the next sample tries again.
            state.withLock { _ = $0.published[device]?.removeValue(forKey: setting) }
            throw error
        }
    }

    static func expected(_ values: SettingDescriptor.Values) -> String {
        switch values {
        case .choice(let options): "one of \(options.joined(separator: ", "))"
        case .number(let range, let step, let unit): "a number from \(range.lowerBound) to \(range.upperBound) in steps of \(step)\(unit.rawValue.isEmpty ? "" : " \(unit.rawValue)")"
        case .toggle: "ON or OFF"
        }
    }
}
