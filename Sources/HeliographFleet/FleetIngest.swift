import Foundation
import HeliographCore
import HeliographMQTT
import HeliographMQTTCodec
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// The central side of a fleet: reads the samples edge nodes publish, through an MQTT shared
/// subscription, and hands them on (to the sample bus, whose store sink writes them to PostgreSQL).
///
/// Several ingest nodes with the same `group` share the load: the broker delivers each message to
/// exactly one of them. Device descriptors (retained) are read by every node and registered. A
/// malformed message is logged and counted (`heliograph.ingest.rejected`) and never stops the service.
public final class FleetIngest: Service, Sendable {
    public struct Configuration: Sendable, Hashable {
        public var topics: FleetTopics
        /// The shared subscription group; every ingest node of one fleet uses the same.
        public var group: String
        /// Messages held while the consumer is busy; beyond it the broker's redelivery and the MQTT
        /// client's flow control take over.
        public var bufferSize: Int

        public init(topics: FleetTopics = FleetTopics(), group: String = "heliograph-ingest", bufferSize: Int = 10_000) {
            self.topics = topics
            self.group = group
            self.bufferSize = bufferSize
        }
    }

    public let configuration: Configuration
    private let subscriber: any MQTTPublisher
    private let deliver: @Sendable ([Sample]) -> Void
    private let register: @Sendable (DeviceDescriptor) async throws -> Void
    private let logger: Logger
    private let received: Counter
    private let rejected: Counter
    private let subscribed = Atomic(false)

    /// True once both subscriptions are made (acknowledged by the broker when it was connected).
    public var isSubscribed: Bool { subscribed.load(ordering: .acquiring) }

    /// - Parameters:
    ///   - deliver: takes decoded samples without blocking (`SampleBus.publish`).
    ///   - register: records a device descriptor (`SampleStore.register`).
    public init(
        subscriber: any MQTTPublisher,
        configuration: Configuration = Configuration(),
        logger: Logger,
        deliver: @escaping @Sendable ([Sample]) -> Void,
        register: @escaping @Sendable (DeviceDescriptor) async throws -> Void
    ) {
        self.subscriber = subscriber
        self.configuration = configuration
        self.deliver = deliver
        self.register = register
        self.logger = logger
        self.received = Counter(label: "heliograph.ingest.samples")
        self.rejected = Counter(label: "heliograph.ingest.rejected")
    }

    public func run() async throws {
        let topics = configuration.topics
        let samples = try await subscriber.subscribe([topics.sharedSamplesFilter(group: configuration.group)], qos: .atLeastOnce, bufferSize: configuration.bufferSize)
        let devices = try await subscriber.subscribe([topics.devicesFilter], qos: .atLeastOnce, bufferSize: 1_000)
        subscribed.store(true, ordering: .releasing)
        logger.info(
            "fleet ingest subscribed",
            metadata: ["mqtt.filter": "\(topics.sharedSamplesFilter(group: configuration.group))", "mqtt.devices": "\(topics.devicesFilter)"]
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await message in devices.cancelOnGracefulShutdown() { await self.handleDevice(message) }
            }
            group.addTask {
                for await message in samples.cancelOnGracefulShutdown() { self.handleSamples(message) }
            }
            try await group.waitForAll()
        }
    }

    func handleSamples(_ message: MQTTMessage) {
        let topicDevice = configuration.topics.deviceID(in: message.topic, kind: "samples")
        do {
            let batch = try SampleBatchMessage.decode(message.payload.readableBytesView, topicDevice: topicDevice)
            received.increment(by: batch.samples.count)
            deliver(batch.samples)
        } catch {
            rejected.increment()
            logger.warning("fleet ingest: message rejected", metadata: ["mqtt.topic": "\(message.topic)", "error": "\(error)"])
        }
    }

    func handleDevice(_ message: MQTTMessage) async {
        guard let topicDevice = configuration.topics.deviceID(in: message.topic, kind: "device"), message.payload.readableBytes > 0 else { return }
        let descriptor: DeviceDescriptor
        do {
            descriptor = try JSONDecoder().decode(DeviceDescriptor.self, from: Data(message.payload.readableBytesView))
            guard descriptor.id == topicDevice else {
                throw HeliographError(.malformedFrame, "descriptor of \(descriptor.id) on the topic of \(topicDevice)")
            }
        } catch {
            rejected.increment()
            logger.warning("fleet ingest: device message rejected", metadata: ["mqtt.topic": "\(message.topic)", "error": "\(error)"])
            return
        }
        // The store may be down for a while; the descriptor is kept and retried, not dropped.
        var delay = Duration.milliseconds(500)
        while !Task.isCancelled {
            do {
                try await register(descriptor)
                logger.info("fleet device registered", metadata: ["device.id": "\(descriptor.id)", "device.model": "\(descriptor.model)"])
                return
            } catch {
                logger.warning("fleet ingest: registering a device failed; will retry", metadata: ["device.id": "\(descriptor.id)", "error": "\(error)"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(30))
            }
        }
    }
}
