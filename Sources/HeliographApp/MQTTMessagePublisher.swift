import HeliographAutomation
import HeliographMQTT
import HeliographMQTTCodec

/// Sends the automation's messages (switch commands, alerts) through the daemon's broker connection.
struct MQTTMessagePublisher: MessagePublisher {
    let client: MQTTClient
    let qos: QoS

    func publish(topic: String, payload: String, retain: Bool) async throws {
        try await client.publish(topic: topic, payload: payload, qos: qos, retain: retain)
    }
}
