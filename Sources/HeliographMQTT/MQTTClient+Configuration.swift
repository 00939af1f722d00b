import Foundation
import HeliographCore
import HeliographMQTTCodec
import NIOCore

extension MQTTClient {
    /// Everything the client needs to reach one broker.
    public struct Configuration: Sendable {
        /// TLS settings; verification is on unless `insecureSkipVerify` is set.
        public struct TLS: Sendable {
            /// PEM file with the CA certificates to trust; nil uses the system store.
            public var caFile: String?
            /// PEM client certificate chain and key, for brokers that require client certificates.
            public var certificateFile: String?
            public var privateKeyFile: String?
            /// Name to verify and send as SNI; defaults to `host` when it is not an IP address.
            public var serverName: String?
            /// Accept any certificate. For lab setups only; off by default.
            public var insecureSkipVerify: Bool

            public init(caFile: String? = nil, certificateFile: String? = nil, privateKeyFile: String? = nil, serverName: String? = nil, insecureSkipVerify: Bool = false) {
                self.caFile = caFile
                self.certificateFile = certificateFile
                self.privateKeyFile = privateKeyFile
                self.serverName = serverName
                self.insecureSkipVerify = insecureSkipVerify
            }
        }

        /// Broker host name or address.
        public var host: String
        /// Broker port; 1883 plain, 8883 TLS.
        public var port: Int
        /// Client identifier; must be unique per broker (a second client with it kicks the first off).
        public var clientID: String
        public var username: String?
        /// Never logged (see `Secret`).
        public var password: Secret?
        /// nil connects in plain text.
        public var tls: TLS?
        /// Seconds of silence after which we ping; 0 disables keep-alive.
        public var keepAlive: Duration
        /// false asks the broker to keep our subscriptions and queued QoS 1 messages while we are away.
        public var cleanSession: Bool
        /// Published by the broker when we vanish (and by us on graceful shutdown): the availability signal.
        public var will: MQTTPacket.Will?
        /// Published, retained, after every successful connect (e.g. "online" on the will topic).
        public var birth: MQTTPacket.Will?
        /// Directory of the disk outbox; nil keeps unacknowledged messages in memory only.
        public var outboxDirectory: URL?
        public var outboxSyncPolicy: DiskOutbox.SyncPolicy
        /// Unacknowledged messages the outbox accepts before `publish` fails with `rateLimited`.
        public var outboxCapacity: Int
        /// Time allowed for TCP/TLS setup, CONNACK and PINGRESP.
        public var responseTimeout: Duration
        /// Resend an unacknowledged QoS 1 PUBLISH after this long on the same connection.
        public var retransmitInterval: Duration
        /// QoS 1 messages awaiting PUBACK at once.
        public var maximumInflight: Int
        /// Reconnect delay: starts at `reconnectMinimumDelay`, doubles up to `reconnectMaximumDelay`, with jitter.
        /// The cap bounds how long after a broker comes back the outbox starts draining, however
        /// long the outage was (10 s: one cheap connection attempt every ~10 s while it is away).
        public var reconnectMinimumDelay: Duration
        public var reconnectMaximumDelay: Duration
        /// Largest packet accepted from the broker.
        public var maximumPacketSize: Int

        public init(
            host: String,
            port: Int? = nil,
            clientID: String,
            username: String? = nil,
            password: Secret? = nil,
            tls: TLS? = nil,
            keepAlive: Duration = .seconds(30),
            cleanSession: Bool = true,
            will: MQTTPacket.Will? = nil,
            birth: MQTTPacket.Will? = nil,
            outboxDirectory: URL? = nil,
            outboxSyncPolicy: DiskOutbox.SyncPolicy = .everyMessage,
            outboxCapacity: Int = 100_000,
            responseTimeout: Duration = .seconds(10),
            retransmitInterval: Duration = .seconds(20),
            maximumInflight: Int = 32,
            reconnectMinimumDelay: Duration = .milliseconds(500),
            reconnectMaximumDelay: Duration = .seconds(10),
            maximumPacketSize: Int = 1 << 20
        ) {
            self.host = host
            self.port = port ?? (tls == nil ? 1883 : 8883)
            self.clientID = clientID
            self.username = username
            self.password = password
            self.tls = tls
            self.keepAlive = keepAlive
            self.cleanSession = cleanSession
            self.will = will
            self.birth = birth
            self.outboxDirectory = outboxDirectory
            self.outboxSyncPolicy = outboxSyncPolicy
            self.outboxCapacity = outboxCapacity
            self.responseTimeout = responseTimeout
            self.retransmitInterval = retransmitInterval
            self.maximumInflight = maximumInflight
            self.reconnectMinimumDelay = reconnectMinimumDelay
            self.reconnectMaximumDelay = reconnectMaximumDelay
            self.maximumPacketSize = maximumPacketSize
        }

        /// Throws `invalidConfiguration` for values the broker or the codec would refuse.
        public func validate() throws {
            guard !host.isEmpty else { throw HeliographError(.invalidConfiguration, "mqtt.host is empty") }
            guard (1...65535).contains(port) else { throw HeliographError(.invalidConfiguration, "mqtt.port \(port) is not 1...65535") }
            guard keepAlive >= .zero, keepAlive <= .seconds(65535) else {
                throw HeliographError(.invalidConfiguration, "mqtt.keep_alive must be 0...65535 s")
            }
            if password != nil && username == nil {
                throw HeliographError(.invalidConfiguration, "mqtt.password needs mqtt.username (MQTT 3.1.1)")
            }
            if clientID.isEmpty && !cleanSession {
                throw HeliographError(.invalidConfiguration, "an empty mqtt.client_id requires a clean session")
            }
            do {
                try MQTTString.validateForEncoding(clientID, what: "client id")
                if let will { try TopicFilter.validateTopicName(will.topic) }
                if let birth { try TopicFilter.validateTopicName(birth.topic) }
            } catch let error as HeliographError {
                throw HeliographError(.invalidConfiguration, error.message)
            }
        }

        var connectPacket: MQTTPacket.Connect {
            .init(
                clientID: clientID, cleanSession: cleanSession,
                keepAliveSeconds: UInt16(keepAlive.components.seconds),
                username: username, password: password.map { Array($0.value.utf8) }, will: will)
        }
    }
}

/// A message received on a subscription.
public struct MQTTMessage: Sendable, Hashable {
    public var topic: String
    public var payload: ByteBuffer
    public var qos: QoS
    /// Set when the broker sent a stored retained message (not a live publish).
    public var retain: Bool

    public init(topic: String, payload: ByteBuffer, qos: QoS, retain: Bool) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
    }

    /// The payload as UTF-8 text (lossy).
    public var payloadString: String { String(buffer: payload) }
}

/// Where the client's connection to the broker is.
public enum MQTTConnectionState: Sendable, Hashable {
    case disconnected(reason: String?)
    case connecting
    case connected(sessionPresent: Bool)
}
