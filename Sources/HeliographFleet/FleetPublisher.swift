import Foundation
import HeliographCore
import HeliographMQTT
import HeliographMQTTCodec
import Logging
import NIOCore
import Synchronization

/// The edge side of a fleet: a sink that publishes every sample, lossless, for central ingest nodes
/// (`<base>/<device>/samples`, QoS 1, not retained), and each device's descriptor once, retained
/// (`<base>/<device>/device`).
///
/// QoS 1 messages go through the MQTT client's disk outbox, so samples written while the broker is
/// unreachable are delivered when it is back, and survive a restart of the edge node.
public final class FleetPublisher: SampleSink {
    public let name = "fleet"
    public let topics: FleetTopics
    private let publisher: any MQTTPublisher
    /// Looks a device's descriptor up (the store's registry); nil while it is not registered yet.
    private let descriptor: @Sendable (DeviceID) async -> DeviceDescriptor?
    private let logger: Logger
    private let announced = Mutex<Set<DeviceID>>([])

    public init(
        publisher: any MQTTPublisher,
        topics: FleetTopics = FleetTopics(),
        logger: Logger,
        descriptor: @escaping @Sendable (DeviceID) async -> DeviceDescriptor?
    ) {
        self.publisher = publisher
        self.topics = topics
        self.descriptor = descriptor
        self.logger = logger
    }

    public func write(_ samples: [Sample]) async throws {
        for message in SampleBatchMessage.messages(for: samples) {
            try await announceIfNeeded(message.device)
            try await publisher.publish(topic: topics.samples(message.device), payload: ByteBuffer(bytes: try message.encoded()), qos: .atLeastOnce, retain: false)
        }
    }

    /// Publishes (again) a device's descriptor, e.g. after its firmware changed.
    public func announce(_ device: DeviceDescriptor) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try await publisher.publish(topic: topics.device(device.id), payload: ByteBuffer(bytes: try encoder.encode(device)), qos: .atLeastOnce, retain: true)
        _ = announced.withLock { $0.insert(device.id) }
    }

    private func announceIfNeeded(_ device: DeviceID) async throws {
        guard !announced.withLock({ $0.contains(device) }) else { return }
        // Until the poller registered it there is nothing to announce; the next batch tries again.
        guard let found = await descriptor(device) else { return }
        try await announce(found)
        logger.debug("fleet device announced", metadata: ["device.id": "\(device)"])
    }
}
