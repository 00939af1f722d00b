import HeliographCore
import HeliographFleet
import HeliographPipeline
import Logging

/// Builds the fleet parts of the daemon from its MQTT connection: the lossless sample publisher of
/// an edge node and the shared-subscription ingest of a central node.
enum FleetWiring {
    /// Learns each device's descriptor with its samples, through the bus.
    static func publisher(mqtt: DaemonMQTT, logger: Logger) -> FleetPublisher {
        FleetPublisher(publisher: mqtt.client, topics: FleetTopics(base: mqtt.configuration.topicPrefix), logger: logger)
    }

    static func ingest(_ fleet: FleetConfiguration, mqtt: DaemonMQTT, bus: SampleBus, store: any SampleStore, logger: Logger) -> FleetIngest {
        FleetIngest(
            subscriber: mqtt.client,
            configuration: .init(topics: FleetTopics(base: mqtt.configuration.topicPrefix), group: fleet.group),
            logger: logger,
            deliver: { samples in bus.publish(samples) },
            register: { descriptor in
                // The central node's sinks learn an edge device from its descriptor, as from a poller's.
                bus.publish(descriptor)
                try await store.register(descriptor)
            }
        )
    }
}
