import HeliographCore
import HeliographFleet
import HeliographPipeline
import Logging

/// Builds the fleet parts of the daemon from its MQTT connection: the lossless sample publisher of
/// an edge node and the shared-subscription ingest of a central node.
enum FleetWiring {
    static func publisher(mqtt: DaemonMQTT, store: any SampleStore, logger: Logger) -> FleetPublisher {
        FleetPublisher(publisher: mqtt.client, topics: FleetTopics(base: mqtt.configuration.topicPrefix), logger: logger) { device in
            // The poller registers each device with the store before its first sample is published.
            try? await store.devices().first { $0.descriptor.id == device }?.descriptor
        }
    }

    static func ingest(_ fleet: FleetConfiguration, mqtt: DaemonMQTT, bus: SampleBus, store: any SampleStore, logger: Logger) -> FleetIngest {
        FleetIngest(
            subscriber: mqtt.client,
            configuration: .init(topics: FleetTopics(base: mqtt.configuration.topicPrefix), group: fleet.group),
            logger: logger,
            deliver: { samples in bus.publish(samples) },
            register: { descriptor in try await store.register(descriptor) }
        )
    }
}
