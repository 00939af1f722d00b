import Foundation
import HeliographControl
import HeliographCore
import HeliographDevices
import HeliographHomeAssistant
import HeliographMQTT
import HeliographMQTTCodec
import Logging
import NIOCore
import ServiceLifecycle

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
    /// Setting changes over MQTT through the daemon's `CommandGate`, when `commands: true`.
    public let commands: MQTTCommands?
    public let configuration: MQTTConfiguration

    /// What the sample bus feeds.
    var sinks: [any SampleSink] { [sink] + (commands.map { [$0] } ?? []) }
    /// What runs after the bus: the HA status listener and the command subscriber.
    var services: [any Service] { [sink] + (commands.map { [$0] } ?? []) }

    /// Topic naming of our own topics and Home Assistant's.
    public var topics: HomeAssistantDiscovery.Topics { sink.configuration.topics }

    static func topics(_ mqtt: MQTTConfiguration) -> HomeAssistantDiscovery.Topics {
        HomeAssistantDiscovery.Topics(base: mqtt.topicPrefix, discoveryPrefix: mqtt.discoveryPrefix)
    }

    /// The broker connection alone: made first, since MQTT sources need it before the devices exist.
    static func makeClient(_ mqtt: MQTTConfiguration, storagePath: String, logger: Logger) throws -> MQTTClient {
        let outbox = URL(fileURLWithPath: storagePath).deletingLastPathComponent().appendingPathComponent("mqtt-outbox")
        return MQTTClient(configuration: try mqtt.clientConfiguration(availability: topics(mqtt).availability, defaultOutboxDirectory: outbox), logger: logger)
    }

    static func make(
        _ mqtt: MQTTConfiguration,
        client: MQTTClient,
        devices: [DeviceConfiguration],
        gate: CommandGate,
        softwareVersion: String? = nil,
        logger: Logger
    ) throws -> DaemonMQTT {
        let topics = topics(mqtt)
        let controllable = mqtt.commands ? gate.allowList : [:]
        var compatibility: CompatibilityTopics?
        if mqtt.compatibilityTopics, let device = mqtt.compatibilityDevice ?? devices.first?.id {
            compatibility = CompatibilityTopics(
                root: "\(mqtt.discoveryPrefix)/inverter",
                device: device,
                modeSetting: CompatibilityTopics.modeSetting(in: gate.allowList[device] ?? [])
            )
        }
        var commands: MQTTCommands?
        if mqtt.commands {
            commands = MQTTCommands(
                publisher: client,
                configuration: .init(topics: topics, settings: controllable, compatibility: compatibility),
                logger: logger
            ) { change in await submit(change, to: gate) }
        }
        let sink = MQTTSampleSink(
            publisher: client,
            devices: [],
            configuration: .init(
                topics: topics,
                perFieldTopics: mqtt.perFieldTopics,
                discovery: mqtt.discovery,
                qos: mqtt.qos == 0 ? .atMostOnce : .atLeastOnce,
                softwareVersion: softwareVersion,
                settings: controllable,
                compatibility: compatibility
            ),
            logger: logger
        )
        return DaemonMQTT(client: client, sink: sink, commands: commands, configuration: mqtt)
    }

    /// Passes an MQTT command through the gate as caller `mqtt` and reports what happened.
    static func submit(_ change: SettingChange, to gate: CommandGate) async -> CommandReply {
        do {
            let entry = try await gate.submit(change, by: .mqtt)
            return CommandReply(result: entry.result, message: entry.message, readBack: entry.readBack)
        } catch {
            let refused: Set<HeliographError.Code> = [.notFound, .settingRejected, .rateLimited, .deviceRejected, .unauthorized]
            return CommandReply(result: refused.contains(error.code) ? "rejected" : "failed", message: error.message)
        }
    }
}
