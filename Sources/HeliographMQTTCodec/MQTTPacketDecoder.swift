import HeliographCore
import NIOCore

/// Splits a byte stream into MQTT 3.1.1 packets and validates each strictly.
///
/// Returns nil (reader index unchanged) while a packet is incomplete. Anything the specification
/// calls malformed — reserved flag bits, a 5-byte length, bad UTF-8, a zero packet identifier,
/// trailing bytes — throws `HeliographError` with code `malformedFrame` and the packet's bytes.
/// A packet announcing more than `maximumPacketSize` bytes is refused before it is buffered.
public struct MQTTPacketDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = MQTTPacket

    /// Largest remaining length accepted; bounds memory a hostile peer can make us hold.
    public var maximumPacketSize: Int

    public init(maximumPacketSize: Int = 1 << 20) {
        self.maximumPacketSize = min(maximumPacketSize, MQTTPacket.maximumRemainingLength)
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> MQTTPacket? {
        guard let (header, headerSize, length) = try Self.fixedHeader(in: buffer) else { return nil }
        guard length <= maximumPacketSize else {
            throw HeliographError(
                .malformedFrame, "packet announces \(length) bytes, above the limit of \(maximumPacketSize)",
                bytes: buffer.getBytes(at: buffer.readerIndex, length: headerSize))
        }
        guard buffer.readableBytes >= headerSize + length else { return nil }
        let whole = buffer.getSlice(at: buffer.readerIndex, length: headerSize + length)!
        buffer.moveReaderIndex(forwardBy: headerSize)
        var body = buffer.readSlice(length: length)!
        do {
            let packet = try Self.parse(type: header >> 4, flags: header & 0x0F, body: &body)
            guard body.readableBytes == 0 else {
                throw HeliographError(.malformedFrame, "\(body.readableBytes) unexpected trailing bytes")
            }
            return packet
        } catch var error as HeliographError {
            error.bytes = Array(whole.readableBytesView.prefix(256))
            throw error
        }
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> MQTTPacket? {
        try decode(buffer: &buffer)
    }

    /// The fixed header at the reader index, without consuming it: the first byte (type and flags),
    /// the header's size and the remaining length it announces; nil while it is incomplete.
    static func fixedHeader(in buffer: ByteBuffer) throws -> (header: UInt8, size: Int, length: Int)? {
        guard let header = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return nil }
        var length = 0
        var headerSize = 1
        while true {
            guard headerSize <= 4 else {
                throw HeliographError(.malformedFrame, "remaining length is longer than 4 bytes", bytes: buffer.getBytes(at: buffer.readerIndex, length: 5))
            }
            guard let byte = buffer.getInteger(at: buffer.readerIndex + headerSize, as: UInt8.self) else { return nil }
            length |= Int(byte & 0x7F) << (7 * (headerSize - 1))
            headerSize += 1
            if byte & 0x80 == 0 { break }
        }
        return (header, headerSize, length)
    }

    // MARK: - Packet bodies

    private static func parse(type: UInt8, flags: UInt8, body: inout ByteBuffer) throws -> MQTTPacket {
        func requireFlags(_ expected: UInt8, _ name: String) throws {
            guard flags == expected else {
                throw HeliographError(.malformedFrame, "\(name) has reserved flags \(flags), expected \(expected)")
            }
        }
        switch type {
        case 1:
            try requireFlags(0, "CONNECT")
            return .connect(try parseConnect(&body))
        case 2:
            try requireFlags(0, "CONNACK")
            return .connAck(try parseConnAck(&body))
        case 3:
            return .publish(try parsePublish(flags: flags, &body))
        case 4:
            try requireFlags(0, "PUBACK")
            return .pubAck(packetID: try readPacketID(&body, "PUBACK"))
        case 5:
            try requireFlags(0, "PUBREC")
            return .pubRec(packetID: try readPacketID(&body, "PUBREC"))
        case 6:
            try requireFlags(2, "PUBREL")
            return .pubRel(packetID: try readPacketID(&body, "PUBREL"))
        case 7:
            try requireFlags(0, "PUBCOMP")
            return .pubComp(packetID: try readPacketID(&body, "PUBCOMP"))
        case 8:
            try requireFlags(2, "SUBSCRIBE")
            return .subscribe(try parseSubscribe(&body))
        case 9:
            try requireFlags(0, "SUBACK")
            return .subAck(try parseSubAck(&body))
        case 10:
            try requireFlags(2, "UNSUBSCRIBE")
            return .unsubscribe(try parseUnsubscribe(&body))
        case 11:
            try requireFlags(0, "UNSUBACK")
            return .unsubAck(packetID: try readPacketID(&body, "UNSUBACK"))
        case 12:
            try requireFlags(0, "PINGREQ")
            return .pingReq
        case 13:
            try requireFlags(0, "PINGRESP")
            return .pingResp
        case 14:
            try requireFlags(0, "DISCONNECT")
            return .disconnect
        default:
            throw HeliographError(.malformedFrame, "packet type \(type) is reserved")
        }
    }

    private static func readPacketID(_ body: inout ByteBuffer, _ name: String) throws -> UInt16 {
        guard let id = body.readInteger(as: UInt16.self) else {
            throw HeliographError(.malformedFrame, "\(name) is missing its packet identifier")
        }
        guard id != 0 else { throw HeliographError(.malformedFrame, "\(name) has packet identifier 0") }
        return id
    }

    static func readQoS(_ raw: UInt8, _ what: String) throws -> QoS {
        guard let qos = QoS(rawValue: raw) else { throw HeliographError(.malformedFrame, "\(what) has QoS \(raw)") }
        return qos
    }

    private static func parseConnect(_ body: inout ByteBuffer) throws -> MQTTPacket.Connect {
        let name = try body.readMQTTString("protocol name")
        guard let level = body.readInteger(as: UInt8.self), let flags = body.readInteger(as: UInt8.self),
            let keepAlive = body.readInteger(as: UInt16.self)
        else { throw HeliographError(.malformedFrame, "CONNECT variable header is truncated") }
        guard name == "MQTT", level == 4 else {
            throw HeliographError(.malformedFrame, "CONNECT protocol \(name) level \(level) is not MQTT 3.1.1")
        }
        guard flags & 0x01 == 0 else { throw HeliographError(.malformedFrame, "CONNECT reserved flag is set") }
        let hasWill = flags & 0x04 != 0
        let willQoS = try readQoS((flags >> 3) & 0x03, "will")
        let willRetain = flags & 0x20 != 0
        if !hasWill && (willQoS != .atMostOnce || willRetain) {
            throw HeliographError(.malformedFrame, "CONNECT has will QoS or retain without a will")
        }
        let hasPassword = flags & 0x40 != 0
        let hasUsername = flags & 0x80 != 0
        if hasPassword && !hasUsername { throw HeliographError(.malformedFrame, "CONNECT has a password without a user name") }
        let clientID = try body.readMQTTString("client identifier")
        var will: MQTTPacket.Will?
        if hasWill {
            let topic = try body.readMQTTString("will topic")
            try validatedTopicName(topic)
            let payload = try body.readMQTTBinary("will payload")
            will = .init(topic: topic, payload: ByteBuffer(bytes: payload), qos: willQoS, retain: willRetain)
        }
        let username = hasUsername ? try body.readMQTTString("user name") : nil
        let password = hasPassword ? try body.readMQTTBinary("password") : nil
        return .init(
            clientID: clientID, cleanSession: flags & 0x02 != 0, keepAliveSeconds: keepAlive,
            username: username, password: password, will: will)
    }

    private static func parseConnAck(_ body: inout ByteBuffer) throws -> MQTTPacket.ConnAck {
        guard let flags = body.readInteger(as: UInt8.self), let code = body.readInteger(as: UInt8.self) else {
            throw HeliographError(.malformedFrame, "CONNACK is shorter than 2 bytes")
        }
        guard flags & 0xFE == 0 else { throw HeliographError(.malformedFrame, "CONNACK reserved flags are set") }
        guard let returnCode = MQTTPacket.ConnectReturnCode(rawValue: code) else {
            throw HeliographError(.malformedFrame, "CONNACK return code \(code) is reserved")
        }
        let sessionPresent = flags & 0x01 != 0
        if sessionPresent && returnCode != .accepted {
            throw HeliographError(.malformedFrame, "refused CONNACK claims a session is present")
        }
        return .init(sessionPresent: sessionPresent, returnCode: returnCode)
    }

    private static func parsePublish(flags: UInt8, _ body: inout ByteBuffer) throws -> MQTTPacket.Publish {
        let qos = try readQoS((flags >> 1) & 0x03, "PUBLISH")
        let duplicate = flags & 0x08 != 0
        if qos == .atMostOnce && duplicate { throw HeliographError(.malformedFrame, "QoS 0 PUBLISH has DUP set") }
        let topic = try body.readMQTTString("topic name")
        try validatedTopicName(topic)
        let packetID = qos == .atMostOnce ? nil : try readPacketID(&body, "PUBLISH")
        let payload = body.readSlice(length: body.readableBytes)!
        return .init(topic: topic, payload: payload, qos: qos, retain: flags & 0x01 != 0, duplicate: duplicate, packetID: packetID)
    }

    static func validatedTopicName(_ topic: String) throws {
        do { try TopicFilter.validateTopicName(topic) } catch let error as HeliographError {
            throw HeliographError(.malformedFrame, error.message)
        }
    }

    private static func validatedFilter(_ filter: String) throws {
        do { _ = try TopicFilter(filter) } catch let error as HeliographError {
            throw HeliographError(.malformedFrame, error.message)
        }
    }

    private static func parseSubscribe(_ body: inout ByteBuffer) throws -> MQTTPacket.Subscribe {
        let id = try readPacketID(&body, "SUBSCRIBE")
        var subscriptions: [MQTTPacket.Subscription] = []
        while body.readableBytes > 0 {
            let filter = try body.readMQTTString("topic filter")
            try validatedFilter(filter)
            guard let options = body.readInteger(as: UInt8.self) else {
                throw HeliographError(.malformedFrame, "SUBSCRIBE filter \(filter) lacks its QoS byte")
            }
            guard options & 0xFC == 0 else { throw HeliographError(.malformedFrame, "SUBSCRIBE QoS byte has reserved bits") }
            subscriptions.append(.init(filter: filter, qos: try readQoS(options, "SUBSCRIBE")))
        }
        guard !subscriptions.isEmpty else { throw HeliographError(.malformedFrame, "SUBSCRIBE has no topic filter") }
        return .init(packetID: id, subscriptions: subscriptions)
    }

    private static func parseSubAck(_ body: inout ByteBuffer) throws -> MQTTPacket.SubAck {
        let id = try readPacketID(&body, "SUBACK")
        var codes: [MQTTPacket.SubAckReturnCode] = []
        while let raw = body.readInteger(as: UInt8.self) {
            switch raw {
            case 0x80: codes.append(.failure)
            case 0...2: codes.append(.granted(QoS(rawValue: raw)!))
            default: throw HeliographError(.malformedFrame, "SUBACK return code \(raw) is reserved")
            }
        }
        guard !codes.isEmpty else { throw HeliographError(.malformedFrame, "SUBACK has no return code") }
        return .init(packetID: id, returnCodes: codes)
    }

    private static func parseUnsubscribe(_ body: inout ByteBuffer) throws -> MQTTPacket.Unsubscribe {
        let id = try readPacketID(&body, "UNSUBSCRIBE")
        var filters: [String] = []
        while body.readableBytes > 0 {
            let filter = try body.readMQTTString("topic filter")
            try validatedFilter(filter)
            filters.append(filter)
        }
        guard !filters.isEmpty else { throw HeliographError(.malformedFrame, "UNSUBSCRIBE has no topic filter") }
        return .init(packetID: id, filters: filters)
    }
}

/// Encodes packets on a NIO pipeline; invalid packets fail the write with `invalidRequest`.
public struct MQTTPacketEncoder: MessageToByteEncoder {
    public typealias OutboundIn = MQTTPacket

    public init() {}

    public func encode(data: MQTTPacket, out: inout ByteBuffer) throws {
        try data.encode(into: &out)
    }
}
