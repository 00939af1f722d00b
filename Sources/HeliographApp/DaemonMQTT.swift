import Foundation
import HeliographCore
import HeliographHomeAssistant
import HeliographMQTT
import HeliographMQTTCodec
import Logging
import NIOCore

/// The daemon's MQTT side: one broker connection (`client`), shared by everything that speaks
/// MQTT, and the Home Assistant publisher fed by the sample bus (`sink`).
///
/// Availability: the client's birth message publishes `online` (retained) on
/// `<prefix>/availability` after every connect; its will makes the broker publish `offline` there
/// when the daemon vanishes, and a graceful stop publishes `offline` itself.
public struct DaemonMQTT: Sendable {
    /// The running broker connection. Other parts subscribe and publish through it.
    public let client: MQTTClient
    /// Publishes state, per-field topics and discovery; also a service (re-announces when HA restarts).
    public let sink: MQTTSampleSink
    public let configuration: MQTTConfiguration

    /// Topic naming of our own topics and Home Assistant's.
    public var topics: HomeAssistantDiscovery.Topics { sink.configuration.topics }

    static func make(
        _ mqtt: MQTTConfiguration,
        storagePath: String,
        store: any SampleStore,
        softwareVersion: String? = nil,
        logger: Logger
    ) throws -> DaemonMQTT {
        let topics = HomeAssistantDiscovery.Topics(base: mqtt.topicPrefix, discoveryPrefix: mqtt.discoveryPrefix)
        let client = MQTTClient(configuration: try clientConfiguration(mqtt, availability: topics.availability, storagePath: storagePath), logger: logger)
        let sink = MQTTSampleSink(
            publisher: client,
            devices: [],
            configuration: .init(
                topics: topics,
                perFieldTopics: mqtt.perFieldTopics,
                discovery: mqtt.discovery,
                qos: mqtt.qos == 0 ? .atMostOnce : .atLeastOnce,
                softwareVersion: softwareVersion
            ),
            logger: logger,
            lookUp: { device in
                // The poller registers each device's descriptor with the store before its first sample is published.
                try? await store.devices().first { $0.descriptor.id == device }?.descriptor
            }
        )
        return DaemonMQTT(client: client, sink: sink, configuration: mqtt)
    }

    static func clientConfiguration(_ mqtt: MQTTConfiguration, availability: String, storagePath: String) throws -> MQTTClient.Configuration {
        let outbox = mqtt.outboxDirectory.map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: storagePath).deletingLastPathComponent().appendingPathComponent("mqtt-outbox")
        let configuration = MQTTClient.Configuration(
            host: mqtt.host,
            port: mqtt.port,
            clientID: mqtt.clientID,
            username: mqtt.username,
            password: mqtt.password,
            tls: mqtt.tls ? .init(caFile: mqtt.caFile) : nil,
            keepAlive: mqtt.keepAlive,
            will: .init(topic: availability, payload: ByteBuffer(string: "offline")),
            birth: .init(topic: availability, payload: ByteBuffer(string: "online")),
            outboxDirectory: outbox,
            outboxSyncPolicy: mqtt.outboxFsync ? .everyMessage : .never
        )
        try configuration.validate()
        return configuration
    }
}
