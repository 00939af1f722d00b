import HeliographMQTTCodec
import NIOCore

/// One QoS 1 message waiting for its PUBACK, numbered in publish order.
///
/// The sequence number is the message's identity in the disk outbox; the MQTT packet
/// identifier is assigned only while the message is in flight.
public struct OutboxEntry: Sendable, Hashable {
    public var sequence: UInt64
    public var topic: String
    public var payload: ByteBuffer
    public var qos: QoS
    public var retain: Bool

    public init(sequence: UInt64, topic: String, payload: ByteBuffer, qos: QoS = .atLeastOnce, retain: Bool = false) {
        self.sequence = sequence
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
    }
}
