import Foundation
import HeliographCore
import HeliographMQTT
import HeliographMQTTCodec
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Publishes samples to MQTT: a retained JSON object per device on `<base>/<device>/state`,
/// optionally one retained topic per field, and Home Assistant discovery for every device it
/// knows. As a `Service` it listens on `<prefix>/status` and re-announces discovery and the last
/// state whenever Home Assistant comes back `online`.
public final class MQTTSampleSink: SampleSink, Service {
    /// What to publish and how.
    public struct Configuration: Sendable {
        public var topics: HomeAssistantDiscovery.Topics
        /// Also publish each field on its own topic (plain value), for non-HA consumers.
        public var perFieldTopics: Bool
        /// Publish Home Assistant discovery.
        public var discovery: Bool
        /// QoS of state messages; 1 routes them through the client's disk outbox.
        public var qos: QoS
        public var softwareVersion: String?
        /// Settings offered as Home Assistant `select`/`number`/`switch` entities, per device
        /// (only when MQTT commands are on; `MQTTCommands` serves their command topics).
        public var settings: [DeviceID: [SettingDescriptor]]
        /// Also publish one device's fields and mode on the older topics.
        public var compatibility: CompatibilityTopics?

        public init(
            topics: HomeAssistantDiscovery.Topics = .init(),
            perFieldTopics: Bool = true,
            discovery: Bool = true,
            qos: QoS = .atLeastOnce,
            softwareVersion: String? = nil,
            settings: [DeviceID: [SettingDescriptor]] = [:],
            compatibility: CompatibilityTopics? = nil
        ) {
            self.topics = topics
            self.perFieldTopics = perFieldTopics
            self.discovery = discovery
            self.qos = qos
            self.softwareVersion = softwareVersion
            self.settings = settings
            self.compatibility = compatibility
        }
    }

    public let name = "mqtt"
    public let configuration: Configuration
    private let publisher: any MQTTPublisher
    private let discovery: HomeAssistantDiscovery
    private let logger: Logger
    private let state = Mutex(SinkState())

    private struct SinkState {
        var devices: [DeviceID: DeviceDescriptor] = [:]
        var announced: Set<DeviceID> = []
        var lastSample: [DeviceID: Sample] = [:]
    }

    /// - Parameters:
    ///   - devices: descriptors known up front; the others arrive with the samples (`describe`).
    public init(publisher: any MQTTPublisher, devices: [DeviceDescriptor], configuration: Configuration = .init(), logger: Logger) {
        self.publisher = publisher
        self.configuration = configuration
        self.discovery = HomeAssistantDiscovery(topics: configuration.topics, softwareVersion: configuration.softwareVersion)
        self.logger = logger
        state.withLock { state in
            for device in devices { state.devices[device.id] = device }
        }
    }

    /// Adds or replaces a device description; discovery for it is (re)sent with its next sample.
    public func register(_ device: DeviceDescriptor) {
        state.withLock { state in
            state.devices[device.id] = device
            state.announced.remove(device.id)
        }
    }

    /// A new or changed description is registered (discovery goes out with the device's next sample).
    public func describe(_ device: DeviceDescriptor) async {
        guard state.withLock({ $0.devices[device.id] != device }) else { return }
        register(device)
    }

    public func write(_ samples: [Sample]) async throws {
        for sample in samples {
            let pending = state.withLock { state -> DeviceDescriptor? in
                guard configuration.discovery, !state.announced.contains(sample.device) else { return nil }
                return state.devices[sample.device]
            }
            if let pending {
                try await announce(pending)
                _ = state.withLock { $0.announced.insert(pending.id) }
            }
            try await publishState(sample)
            state.withLock { $0.lastSample[sample.device] = sample }
        }
    }

    /// Listens for Home Assistant restarts and re-announces everything.
    public func run() async throws {
        guard configuration.discovery else {
            try await gracefulShutdown()
            return
        }
        let statuses = try await publisher.subscribe([configuration.topics.homeAssistantStatus], qos: .atLeastOnce, bufferSize: 16)
        for await status in statuses.cancelOnGracefulShutdown() where status.payloadString == "online" {
            logger.info("Home Assistant is online; re-sending discovery and state")
            let (devices, samples) = state.withLock { state in
                state.announced.removeAll()
                return (Array(state.devices.values), Array(state.lastSample.values))
            }
            do {
                for device in devices.sorted(by: { $0.id < $1.id }) {
                    try await announce(device)
                    _ = state.withLock { $0.announced.insert(device.id) }
                }
                for sample in samples.sorted(by: { $0.device < $1.device }) { try await publishState(sample) }
            } catch {
                logger.warning("re-announcing to Home Assistant failed", metadata: ["error": "\(error)"])
            }
        }
    }

    private func announce(_ device: DeviceDescriptor) async throws {
        let data = try discovery.payloadData(for: device, settings: configuration.settings[device.id] ?? [])
        try await publisher.publish(topic: configuration.topics.discovery(device.id), payload: ByteBuffer(bytes: data), qos: .atLeastOnce, retain: true)
    }

    private func publishState(_ sample: Sample) async throws {
        let descriptor = state.withLock { $0.devices[sample.device] }
        let payload = try Self.stateJSON(sample, descriptor: descriptor)
        try await publisher.publish(topic: configuration.topics.state(sample.device), payload: ByteBuffer(bytes: payload), qos: configuration.qos, retain: true)
        if configuration.perFieldTopics {
            for (field, value) in sample.values.sorted(by: { $0.key < $1.key }) {
                guard let text = Self.plainValue(value, precision: descriptor?.field(field)?.precision) else { continue }
                try await publisher.publish(topic: configuration.topics.field(sample.device, field), payload: ByteBuffer(string: text), qos: configuration.qos, retain: true)
            }
        }
        if let compatibility = configuration.compatibility, compatibility.device == sample.device {
            try await publishCompatibility(sample, compatibility, descriptor: descriptor)
        }
    }

    /// The older topics: `<root>/{metric}` per field and `<root>/actual_mode`, retained.
    private func publishCompatibility(_ sample: Sample, _ compatibility: CompatibilityTopics, descriptor: DeviceDescriptor?) async throws {
        for (field, value) in sample.values.sorted(by: { $0.key < $1.key }) {
            guard let text = Self.plainValue(value, precision: descriptor?.field(field)?.precision) else { continue }
            try await publisher.publish(topic: compatibility.metric(field), payload: ByteBuffer(string: text), qos: configuration.qos, retain: true)
        }
        if let mode = compatibility.actualMode(in: sample) {
            try await publisher.publish(topic: compatibility.actualMode, payload: ByteBuffer(string: mode), qos: configuration.qos, retain: true)
        }
    }

    /// `{"time":"2026-11-23T01:02:03Z","battery_voltage_v":52.1,...}`: only the fields this sample
    /// read (a field the validator dropped is absent, not repeated under the new time), numbers
    /// rounded to the field's precision by `NumberFormat`; non-finite numbers are left out.
    public static func stateJSON(_ sample: Sample, descriptor: DeviceDescriptor? = nil) throws -> Data {
        var object: [String: Any] = ["time": ISO8601DateFormatter().string(from: sample.time)]
        for (field, value) in sample.values {
            switch value {
            case .number(let number) where number.isFinite:
                object[field.rawValue] = NumberFormat.rounded(number, decimals: descriptor?.field(field)?.precision)
            case .number: continue
            case .flag(let flag): object[field.rawValue] = flag
            case .text(let text): object[field.rawValue] = text
            }
        }
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// The value alone: numbers rounded to the field's precision (`NumberFormat.text`), flags `ON`/`OFF`, text as is.
    static func plainValue(_ value: FieldValue, precision: Int?) -> String? {
        switch value {
        case .number(let number):
            guard number.isFinite else { return nil }
            return NumberFormat.text(number, decimals: precision)
        case .flag(let flag): return flag ? "ON" : "OFF"
        case .text(let text): return text
        }
    }
}
