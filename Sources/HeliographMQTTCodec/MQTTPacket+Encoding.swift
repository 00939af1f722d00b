import HeliographCore
import NIOCore

extension MQTTPacket {
    /// Largest remaining length the 4-byte varint can express (§2.2.3).
    public static let maximumRemainingLength = 268_435_455

    /// Writes the packet into `buffer`, or throws `invalidRequest` (leaving `buffer` untouched)
    /// when a field breaks a rule the peer would enforce: over-long strings, wildcards in a
    /// PUBLISH topic, a missing packet identifier, an empty SUBSCRIBE.
    public func encode(into buffer: inout ByteBuffer) throws {
        try validateForEncoding()
        var body = ByteBufferAllocator().buffer(capacity: bodySizeHint)
        let flags = writeBody(into: &body)
        guard body.readableBytes <= Self.maximumRemainingLength else {
            throw HeliographError(.invalidRequest, "packet body of \(body.readableBytes) bytes is above the MQTT limit")
        }
        buffer.writeInteger(typeCode << 4 | flags)
        buffer.writeMQTTRemainingLength(body.readableBytes)
        buffer.writeBuffer(&body)
    }

    private var bodySizeHint: Int {
        switch self {
        case .publish(let publish): publish.topic.utf8.count + publish.payload.readableBytes + 4
        default: 32
        }
    }

    private func validateForEncoding() throws {
        switch self {
        case .connect(let connect):
            try MQTTString.validateForEncoding(connect.clientID, what: "client identifier")
            if let username = connect.username { try MQTTString.validateForEncoding(username, what: "user name") }
            if let password = connect.password, password.count > MQTTString.maximumLength {
                throw HeliographError(.invalidRequest, "password is above \(MQTTString.maximumLength) bytes")
            }
            if connect.password != nil && connect.username == nil {
                throw HeliographError(.invalidRequest, "MQTT 3.1.1 needs a user name when a password is set")
            }
            if let will = connect.will {
                try TopicFilter.validateTopicName(will.topic)
                guard will.payload.readableBytes <= MQTTString.maximumLength else {
                    throw HeliographError(.invalidRequest, "will payload is above \(MQTTString.maximumLength) bytes")
                }
            }
        case .publish(let publish):
            try TopicFilter.validateTopicName(publish.topic)
            if publish.qos == .atMostOnce {
                guard publish.packetID == nil, !publish.duplicate else {
                    throw HeliographError(.invalidRequest, "a QoS 0 PUBLISH has no packet identifier and no DUP flag")
                }
            } else {
                try Self.validatePacketID(publish.packetID)
            }
        case .pubAck(let id), .pubRec(let id), .pubRel(let id), .pubComp(let id), .unsubAck(let id):
            try Self.validatePacketID(id)
        case .subscribe(let subscribe):
            try Self.validatePacketID(subscribe.packetID)
            guard !subscribe.subscriptions.isEmpty else { throw HeliographError(.invalidRequest, "SUBSCRIBE needs a topic filter") }
            for subscription in subscribe.subscriptions { _ = try TopicFilter(subscription.filter) }
        case .subAck(let subAck):
            try Self.validatePacketID(subAck.packetID)
            guard !subAck.returnCodes.isEmpty else { throw HeliographError(.invalidRequest, "SUBACK needs a return code") }
        case .unsubscribe(let unsubscribe):
            try Self.validatePacketID(unsubscribe.packetID)
            guard !unsubscribe.filters.isEmpty else { throw HeliographError(.invalidRequest, "UNSUBSCRIBE needs a topic filter") }
            for filter in unsubscribe.filters { _ = try TopicFilter(filter) }
        case .connAck(let connAck):
            if connAck.sessionPresent && connAck.returnCode != .accepted {
                throw HeliographError(.invalidRequest, "a refused CONNACK cannot have session present")
            }
        case .pingReq, .pingResp, .disconnect:
            break
        }
    }

    private static func validatePacketID(_ id: UInt16?) throws {
        guard let id, id != 0 else { throw HeliographError(.invalidRequest, "packet identifier must be 1...65535") }
    }

    /// Writes the variable header and payload; returns the fixed-header flag bits.
    private func writeBody(into body: inout ByteBuffer) -> UInt8 {
        switch self {
        case .connect(let connect):
            body.writeMQTTString("MQTT")
            body.writeInteger(UInt8(4))
            var flags: UInt8 = 0
            if connect.cleanSession { flags |= 0x02 }
            if let will = connect.will {
                flags |= 0x04 | will.qos.rawValue << 3
                if will.retain { flags |= 0x20 }
            }
            if connect.password != nil { flags |= 0x40 }
            if connect.username != nil { flags |= 0x80 }
            body.writeInteger(flags)
            body.writeInteger(connect.keepAliveSeconds)
            body.writeMQTTString(connect.clientID)
            if let will = connect.will {
                body.writeMQTTString(will.topic)
                body.writeMQTTBinary(will.payload.readableBytesView)
            }
            if let username = connect.username { body.writeMQTTString(username) }
            if let password = connect.password { body.writeMQTTBinary(password) }
            return 0
        case .connAck(let connAck):
            body.writeInteger(UInt8(connAck.sessionPresent ? 1 : 0))
            body.writeInteger(connAck.returnCode.rawValue)
            return 0
        case .publish(let publish):
            body.writeMQTTString(publish.topic)
            if let id = publish.packetID { body.writeInteger(id) }
            body.writeImmutableBuffer(publish.payload)
            return (publish.duplicate ? 0x08 : 0) | publish.qos.rawValue << 1 | (publish.retain ? 0x01 : 0)
        case .pubAck(let id), .pubRec(let id), .pubComp(let id), .unsubAck(let id):
            body.writeInteger(id)
            return 0
        case .pubRel(let id):
            body.writeInteger(id)
            return 0x02
        case .subscribe(let subscribe):
            body.writeInteger(subscribe.packetID)
            for subscription in subscribe.subscriptions {
                body.writeMQTTString(subscription.filter)
                body.writeInteger(subscription.qos.rawValue)
            }
            return 0x02
        case .subAck(let subAck):
            body.writeInteger(subAck.packetID)
            for code in subAck.returnCodes { body.writeInteger(code.rawValue) }
            return 0
        case .unsubscribe(let unsubscribe):
            body.writeInteger(unsubscribe.packetID)
            for filter in unsubscribe.filters { body.writeMQTTString(filter) }
            return 0x02
        case .pingReq, .pingResp, .disconnect:
            return 0
        }
    }
}

extension ByteBuffer {
    /// Writes the 1-4 byte "remaining length" varint (7 bits per byte, low bits first).
    mutating func writeMQTTRemainingLength(_ length: Int) {
        var value = length
        repeat {
            var byte = UInt8(value & 0x7F)
            value >>= 7
            if value > 0 { byte |= 0x80 }
            writeInteger(byte)
        } while value > 0
    }
}
