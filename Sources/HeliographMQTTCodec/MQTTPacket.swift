import NIOCore

/// One MQTT 3.1.1 control packet, as sent or received on the wire.
///
/// Values are already validated: the decoder rejects anything the specification calls malformed,
/// and the encoder refuses to write what a peer would reject (see `MQTTPacket.encode(into:)`).
public enum MQTTPacket: Sendable, Hashable {
    case connect(Connect)
    case connAck(ConnAck)
    case publish(Publish)
    case pubAck(packetID: UInt16)
    case pubRec(packetID: UInt16)
    case pubRel(packetID: UInt16)
    case pubComp(packetID: UInt16)
    case subscribe(Subscribe)
    case subAck(SubAck)
    case unsubscribe(Unsubscribe)
    case unsubAck(packetID: UInt16)
    case pingReq
    case pingResp
    case disconnect

    /// The 4-bit packet type of the fixed header.
    public var typeCode: UInt8 {
        switch self {
        case .connect: 1
        case .connAck: 2
        case .publish: 3
        case .pubAck: 4
        case .pubRec: 5
        case .pubRel: 6
        case .pubComp: 7
        case .subscribe: 8
        case .subAck: 9
        case .unsubscribe: 10
        case .unsubAck: 11
        case .pingReq: 12
        case .pingResp: 13
        case .disconnect: 14
        }
    }
}

extension MQTTPacket {
    /// Last will: what the broker publishes for us when we vanish without DISCONNECT.
    public struct Will: Sendable, Hashable {
        public var topic: String
        public var payload: ByteBuffer
        public var qos: QoS
        public var retain: Bool

        public init(topic: String, payload: ByteBuffer, qos: QoS = .atLeastOnce, retain: Bool = true) {
            self.topic = topic
            self.payload = payload
            self.qos = qos
            self.retain = retain
        }
    }

    /// CONNECT: opens a session.
    public struct Connect: Sendable, Hashable {
        public var clientID: String
        public var cleanSession: Bool
        /// Seconds; 0 disables keep-alive.
        public var keepAliveSeconds: UInt16
        public var username: String?
        public var password: [UInt8]?
        public var will: Will?

        public init(
            clientID: String,
            cleanSession: Bool = true,
            keepAliveSeconds: UInt16 = 60,
            username: String? = nil,
            password: [UInt8]? = nil,
            will: Will? = nil
        ) {
            self.clientID = clientID
            self.cleanSession = cleanSession
            self.keepAliveSeconds = keepAliveSeconds
            self.username = username
            self.password = password
            self.will = will
        }
    }

    /// CONNACK return codes of MQTT 3.1.1 (§3.2.2.3).
    public enum ConnectReturnCode: UInt8, Sendable, Hashable, CustomStringConvertible {
        case accepted = 0
        case unacceptableProtocolVersion = 1
        case identifierRejected = 2
        case serverUnavailable = 3
        case badUsernameOrPassword = 4
        case notAuthorized = 5

        public var description: String {
            switch self {
            case .accepted: "accepted"
            case .unacceptableProtocolVersion: "unacceptable protocol version"
            case .identifierRejected: "client identifier rejected"
            case .serverUnavailable: "server unavailable"
            case .badUsernameOrPassword: "bad user name or password"
            case .notAuthorized: "not authorized"
            }
        }
    }

    /// CONNACK: the broker's answer to CONNECT.
    public struct ConnAck: Sendable, Hashable {
        public var sessionPresent: Bool
        public var returnCode: ConnectReturnCode

        public init(sessionPresent: Bool, returnCode: ConnectReturnCode) {
            self.sessionPresent = sessionPresent
            self.returnCode = returnCode
        }
    }

    /// PUBLISH: one application message. `packetID` is present exactly when `qos` is above 0.
    public struct Publish: Sendable, Hashable {
        public var topic: String
        public var payload: ByteBuffer
        public var qos: QoS
        public var retain: Bool
        public var duplicate: Bool
        public var packetID: UInt16?

        public init(
            topic: String,
            payload: ByteBuffer,
            qos: QoS = .atMostOnce,
            retain: Bool = false,
            duplicate: Bool = false,
            packetID: UInt16? = nil
        ) {
            self.topic = topic
            self.payload = payload
            self.qos = qos
            self.retain = retain
            self.duplicate = duplicate
            self.packetID = packetID
        }
    }

    /// One topic filter with the highest QoS the subscriber wants.
    public struct Subscription: Sendable, Hashable {
        public var filter: String
        public var qos: QoS

        public init(filter: String, qos: QoS = .atLeastOnce) {
            self.filter = filter
            self.qos = qos
        }
    }

    /// SUBSCRIBE: one or more topic filters.
    public struct Subscribe: Sendable, Hashable {
        public var packetID: UInt16
        public var subscriptions: [Subscription]

        public init(packetID: UInt16, subscriptions: [Subscription]) {
            self.packetID = packetID
            self.subscriptions = subscriptions
        }
    }

    /// Per-filter result of a SUBSCRIBE.
    public enum SubAckReturnCode: Sendable, Hashable {
        case granted(QoS)
        case failure

        public var rawValue: UInt8 {
            switch self {
            case .granted(let qos): qos.rawValue
            case .failure: 0x80
            }
        }
    }

    /// SUBACK: one return code per requested filter, in order.
    public struct SubAck: Sendable, Hashable {
        public var packetID: UInt16
        public var returnCodes: [SubAckReturnCode]

        public init(packetID: UInt16, returnCodes: [SubAckReturnCode]) {
            self.packetID = packetID
            self.returnCodes = returnCodes
        }
    }

    /// UNSUBSCRIBE: one or more topic filters to drop.
    public struct Unsubscribe: Sendable, Hashable {
        public var packetID: UInt16
        public var filters: [String]

        public init(packetID: UInt16, filters: [String]) {
            self.packetID = packetID
            self.filters = filters
        }
    }
}
