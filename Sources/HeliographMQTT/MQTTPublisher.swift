import HeliographMQTTCodec
import NIOCore

/// Something that publishes MQTT messages; `MQTTClient` in production, a recorder in tests.
public protocol MQTTPublisher: Sendable {
    /// Publishes one message (see `MQTTClient.publish(topic:payload:qos:retain:)` for the guarantees).
    func publish(topic: String, payload: ByteBuffer, qos: QoS, retain: Bool) async throws
    /// Messages published on the topics matching `filters`.
    func subscribe(_ filters: [String], qos: QoS, bufferSize: Int) async throws -> AsyncStream<MQTTMessage>
}

extension MQTTClient: MQTTPublisher {}
