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
    /// The descriptors handed over with the samples (`describe`).
    private let devices: DeviceDirectory
    private let logger: Logger
    private let announced = Mutex<Set<DeviceID>>([])

    /// - Parameter devices: descriptors known up front; the others arrive through `describe`.
    public init(publisher: any MQTTPublisher, topics: FleetTopics = FleetTopics(), devices: [DeviceDescriptor] = [], logger: Logger) {
        self.publisher = publisher
        self.topics = topics
        self.devices = DeviceDirectory(devices)
        self.logger = logger
    }

    /// Keeps the descriptor; a changed one is announced again with the device's next samples.
    public func describe(_ device: DeviceDescriptor) async {
        if devices.record(device) { _ = announced.withLock { $0.remove(device.id) } }
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
        // Until the device was described there is nothing to announce; the next batch tries again.
        guard let found = devices[device] else { return }
        try await announce(found)
        logger.debug("fleet device announced", metadata: ["device.id": "\(device)"])
    }
}
