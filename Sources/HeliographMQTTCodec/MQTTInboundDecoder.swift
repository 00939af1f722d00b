import HeliographCore
import NIOCore

/// What a client reads from its broker: a packet, or the note that an oversized PUBLISH was skipped.
public enum MQTTInbound: Sendable, Hashable {
    case packet(MQTTPacket)
    case discarded(MQTTDiscardedPublish)
}

/// A PUBLISH larger than the client's limit: its header was read, its payload skipped unbuffered.
///
/// The client still has to acknowledge it (QoS 1 PUBACK, QoS 2 PUBREC), or the broker resends it
/// after every reconnect, for ever.
public struct MQTTDiscardedPublish: Sendable, Hashable {
    public var topic: String
    public var qos: QoS
    public var retain: Bool
    /// Present for QoS 1 and 2.
    public var packetID: UInt16?
    /// The remaining length the packet announced (topic, packet identifier and payload).
    public var length: Int

    public init(topic: String, qos: QoS, retain: Bool, packetID: UInt16?, length: Int) {
        self.topic = topic
        self.qos = qos
        self.retain = retain
        self.packetID = packetID
        self.length = length
    }
}

/// Splits the broker's byte stream like `MQTTPacketDecoder`, except that a PUBLISH over
/// `maximumPacketSize` does not end the connection: its topic and packet identifier are read
/// (at most 65 541 bytes), the rest is dropped as it streams in, and `.discarded` follows once its
/// last byte has gone. One retained message too large for us then costs bandwidth, not the
/// connection (a broker resends retained messages on every subscribe, so failing would loop).
/// Other packet types over the limit are still malformed: only PUBLISH may legitimately be large.
public struct MQTTInboundDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = MQTTInbound

    private var packets: MQTTPacketDecoder
    /// The oversized PUBLISH being skipped and how many of its bytes are still to come.
    private var skipping: (publish: MQTTDiscardedPublish, remaining: Int)?

    public init(maximumPacketSize: Int = 1 << 20) {
        packets = MQTTPacketDecoder(maximumPacketSize: maximumPacketSize)
    }

    public var maximumPacketSize: Int { packets.maximumPacketSize }

    public mutating func decode(buffer: inout ByteBuffer) throws -> MQTTInbound? {
        if let skipping { return skip(skipping.publish, remaining: skipping.remaining, in: &buffer) }
        guard let (header, headerSize, length) = try MQTTPacketDecoder.fixedHeader(in: buffer) else { return nil }
        guard length > maximumPacketSize, header >> 4 == 3 else {
            return try packets.decode(buffer: &buffer).map(MQTTInbound.packet)
        }
        guard let publish = try Self.publishHeader(flags: header & 0x0F, length: length, in: buffer, at: buffer.readerIndex + headerSize) else {
            return nil
        }
        return skip(publish, remaining: headerSize + length, in: &buffer)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> MQTTInbound? {
        try decode(buffer: &buffer)
    }

    /// Drops up to `remaining` bytes; `.discarded` once the packet's last byte is gone.
    private mutating func skip(_ publish: MQTTDiscardedPublish, remaining: Int, in buffer: inout ByteBuffer) -> MQTTInbound? {
        let count = min(remaining, buffer.readableBytes)
        buffer.moveReaderIndex(forwardBy: count)
        guard remaining == count else {
            skipping = (publish, remaining - count)
            return nil
        }
        skipping = nil
        return .discarded(publish)
    }

    /// Topic, QoS and packet identifier of a PUBLISH whose body starts at `offset`; nil until
    /// enough of it has arrived. Throws `malformedFrame` for what `MQTTPacketDecoder` would refuse.
    private static func publishHeader(flags: UInt8, length: Int, in buffer: ByteBuffer, at offset: Int) throws -> MQTTDiscardedPublish? {
        let qos = try MQTTPacketDecoder.readQoS((flags >> 1) & 0x03, "PUBLISH")
        if qos == .atMostOnce && flags & 0x08 != 0 { throw HeliographError(.malformedFrame, "QoS 0 PUBLISH has DUP set") }
        guard let topicLength = buffer.getInteger(at: offset, as: UInt16.self).map(Int.init) else { return nil }
        let headerLength = 2 + topicLength + (qos == .atMostOnce ? 0 : 2)
        guard headerLength <= length else { throw HeliographError(.malformedFrame, "PUBLISH is shorter than its topic") }
        guard let topicBytes = buffer.getBytes(at: offset + 2, length: topicLength) else { return nil }
        let topic = try MQTTString.validate(bytes: topicBytes, what: "topic name")
        try MQTTPacketDecoder.validatedTopicName(topic)
        var packetID: UInt16?
        if qos != .atMostOnce {
            guard let id = buffer.getInteger(at: offset + 2 + topicLength, as: UInt16.self) else { return nil }
            guard id != 0 else { throw HeliographError(.malformedFrame, "PUBLISH has packet identifier 0") }
            packetID = id
        }
        return MQTTDiscardedPublish(topic: topic, qos: qos, retain: flags & 0x01 != 0, packetID: packetID, length: length)
    }
}
