import HeliographConfigFile
import HeliographCore
import NIOCore

import class Foundation.FileManager
import class Foundation.ProcessInfo
import struct Foundation.URL

/// The `mqtt:` section: one broker connection shared by the Home Assistant publisher, MQTT
/// sources and MQTT commands. Absent means no MQTT at all.
///
/// Owned by the MQTT module, which reads it (`parse`) and turns it into the client's
/// `MQTTClient.Configuration` (`clientConfiguration`); the composition root only hands over the
/// section and passes the publishing keys (topics, discovery, QoS, ...) to the publishers.
///
/// ```yaml
/// mqtt:
///   host: 192.168.1.10        # required
///   port: 1883                # default 1883, or 8883 with tls
///   tls: false                # default false
///   ca_file: /etc/ssl/my-ca.pem   # PEM CA to trust with tls; default: the system's
///   username: heliograph
///   password: secret          # or password_file (a path, or a systemd credential / container secret name);
///   password_file: mqtt_password   # HELIOGRAPH_MQTT_PASSWORD(_FILE) override both (see ConfigurationSection.secret)
///   client_id: heliograph-house   # default heliograph-<hostname>
///   topic_prefix: heliograph      # default heliograph
///   discovery: true               # Home Assistant discovery; default true
///   discovery_prefix: homeassistant
///   per_field_topics: true        # <prefix>/<device>/<field> besides the state JSON; default true
///   compatibility_topics: false   # also the older homeassistant/inverter/{metric} topics; default false
///   compatibility_device: inverter    # the device they describe; default the first under devices:
///   commands: false               # settings as HA select/number/switch, changed over MQTT; default false
///   diagnostics: true             # the daemon's own health as HA diagnostic entities; default true
///   qos: 1                        # 0 or 1; default 1 (through the disk outbox)
///   keep_alive: 30s
///   outbox_directory: /var/lib/heliograph/mqtt-outbox   # default: next to the database
///   outbox_fsync: false           # flush every queued message to disk (power-cut safe); default false
/// ```
public struct MQTTConfiguration: Sendable, Hashable {
    public var host: String
    /// Nil: 1883, or 8883 with TLS.
    public var port: Int?
    public var tls: Bool
    /// PEM file of CA certificates trusted for TLS; nil trusts the system store.
    public var caFile: String?
    public var username: String?
    /// From `password`, `password_file`, `HELIOGRAPH_MQTT_PASSWORD(_FILE)` or a credential; never logged.
    public var password: Secret?
    public var clientID: String
    /// Root of our topics: `<prefix>/<device>/state`, `<prefix>/availability`.
    public var topicPrefix: String
    public var discovery: Bool
    public var discoveryPrefix: String
    public var perFieldTopics: Bool
    /// The older topics `homeassistant/inverter/{metric}`, `actual_mode`, `desired_mode`, `set_mode`.
    public var compatibilityTopics: Bool
    /// The device the compatibility topics describe; nil: the first configured device.
    public var compatibilityDevice: DeviceID?
    /// Accept setting changes on `<prefix>/<device>/set/<setting>` (and `set_mode`) through the
    /// command gate, and offer the settings as Home Assistant entities.
    public var commands: Bool
    /// Publish the daemon's health (uptime, polls, errors, database size, buffers) as a
    /// diagnostic device in Home Assistant (with `discovery`).
    public var diagnostics: Bool
    /// 0 or 1.
    public var qos: Int
    public var keepAlive: Duration
    /// Nil: `mqtt-outbox` next to the database file.
    public var outboxDirectory: String?
    public var outboxFsync: Bool

    public init(
        host: String,
        port: Int? = nil,
        tls: Bool = false,
        caFile: String? = nil,
        username: String? = nil,
        password: Secret? = nil,
        clientID: String = MQTTConfiguration.defaultClientID,
        topicPrefix: String = "heliograph",
        discovery: Bool = true,
        discoveryPrefix: String = "homeassistant",
        perFieldTopics: Bool = true,
        compatibilityTopics: Bool = false,
        compatibilityDevice: DeviceID? = nil,
        commands: Bool = false,
        diagnostics: Bool = true,
        qos: Int = 1,
        keepAlive: Duration = .seconds(30),
        outboxDirectory: String? = nil,
        outboxFsync: Bool = false
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        self.caFile = caFile
        self.username = username
        self.password = password
        self.clientID = clientID
        self.topicPrefix = topicPrefix
        self.discovery = discovery
        self.discoveryPrefix = discoveryPrefix
        self.perFieldTopics = perFieldTopics
        self.compatibilityTopics = compatibilityTopics
        self.compatibilityDevice = compatibilityDevice
        self.commands = commands
        self.diagnostics = diagnostics
        self.qos = qos
        self.keepAlive = keepAlive
        self.outboxDirectory = outboxDirectory
        self.outboxFsync = outboxFsync
    }

    /// `heliograph-<hostname>`, so two daemons on one broker do not kick each other off.
    public static var defaultClientID: String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
        let clean = host.lowercased().unicodeScalars.map { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" ? Character($0) : "-" }
        return "heliograph-" + String(clean.prefix(40))
    }

    /// Every key of the section, for the unknown-key check.
    public static let keys = [
        "host", "port", "tls", "ca_file", "username", "password", "password_file", "client_id", "topic_prefix", "discovery",
        "discovery_prefix", "per_field_topics", "compatibility_topics", "compatibility_device", "commands", "diagnostics", "qos", "keep_alive", "outbox_directory", "outbox_fsync",
    ]

    /// Reads the section; nil when it is absent (or too broken to use), with each bad key reported.
    public static func parse(_ section: ConfigurationSection) -> MQTTConfiguration? {
        guard section.mapping != nil || section.environment[ConfigurationSection.environmentName(for: section.key("host"))] != nil else {
            return nil
        }
        let host = section.string("host")
        let port = section.int("port", in: 1...65_535)
        let tls = section.bool("tls")
        let caFile = section.string("ca_file")
        let username = section.string("username")
        // password, password_file, HELIOGRAPH_MQTT_PASSWORD(_FILE), credentials: see ConfigurationSection.secret.
        let password = section.secret("password")
        let clientID = section.string("client_id")
        let topicPrefix = section.string("topic_prefix")
        let discovery = section.bool("discovery")
        let discoveryPrefix = section.string("discovery_prefix")
        let perFieldTopics = section.bool("per_field_topics")
        let compatibilityTopics = section.bool("compatibility_topics")
        let compatibilityDevice = section.string("compatibility_device")
        let commands = section.bool("commands")
        let diagnostics = section.bool("diagnostics")
        let qos = section.int("qos", in: 0...1)
        let keepAlive = section.duration("keep_alive", in: .seconds(0)...(.seconds(65_535)))
        let outboxDirectory = section.string("outbox_directory")
        let outboxFsync = section.bool("outbox_fsync")
        section.reportUnknownKeys(allowed: keys)

        if host == nil { section.problem("host", "missing; the broker's IP address or host name") }
        // Checks go on without a host, so one problem does not hide the others.
        var mqtt = MQTTConfiguration(host: host ?? "", port: port)
        mqtt.tls = tls ?? false
        if let caFile {
            if !FileManager.default.isReadableFile(atPath: caFile) {
                section.problem("ca_file", "cannot read '\(caFile)'; a PEM file with the CA certificate(s) of the broker")
            } else if !mqtt.tls {
                section.problem("ca_file", "only used with tls: true")
            }
            mqtt.caFile = caFile
        }
        mqtt.username = username
        mqtt.password = password
        if mqtt.password != nil, username == nil {
            section.problem("username", "missing; MQTT 3.1.1 sends a password only together with a user name")
        }
        if let clientID {
            if clientID.utf8.count > 65_535 || clientID.contains(where: { $0.isWhitespace || $0 == "+" || $0 == "#" }) {
                section.problem("client_id", "must be printable text without spaces, '+' or '#'")
            } else {
                mqtt.clientID = clientID
            }
        }
        if let topicPrefix { mqtt.topicPrefix = checkTopicPrefix(topicPrefix, "topic_prefix", section) ?? mqtt.topicPrefix }
        if let discoveryPrefix { mqtt.discoveryPrefix = checkTopicPrefix(discoveryPrefix, "discovery_prefix", section) ?? mqtt.discoveryPrefix }
        mqtt.discovery = discovery ?? mqtt.discovery
        mqtt.perFieldTopics = perFieldTopics ?? mqtt.perFieldTopics
        mqtt.compatibilityTopics = compatibilityTopics ?? mqtt.compatibilityTopics
        mqtt.compatibilityDevice = compatibilityDevice.map { DeviceID($0) }
        mqtt.commands = commands ?? mqtt.commands
        mqtt.diagnostics = diagnostics ?? mqtt.diagnostics
        mqtt.qos = qos ?? mqtt.qos
        mqtt.keepAlive = keepAlive ?? mqtt.keepAlive
        mqtt.outboxDirectory = outboxDirectory
        mqtt.outboxFsync = outboxFsync ?? mqtt.outboxFsync
        return host == nil ? nil : mqtt
    }

    /// The client's configuration for this broker: `availability` carries the will (`offline`) and the
    /// birth message (`online`); the outbox is `outbox_directory`, else `defaultOutboxDirectory`.
    /// Throws `invalidConfiguration` for what the client would refuse.
    public func clientConfiguration(availability: String, defaultOutboxDirectory: URL) throws -> MQTTClient.Configuration {
        let configuration = MQTTClient.Configuration(
            host: host,
            port: port,
            clientID: clientID,
            username: username,
            password: password,
            tls: tls ? .init(caFile: caFile) : nil,
            keepAlive: keepAlive,
            will: .init(topic: availability, payload: ByteBuffer(string: "offline")),
            birth: .init(topic: availability, payload: ByteBuffer(string: "online")),
            outboxDirectory: outboxDirectory.map { URL(fileURLWithPath: $0) } ?? defaultOutboxDirectory,
            outboxSyncPolicy: outboxFsync ? .everyMessage : .never
        )
        try configuration.validate()
        return configuration
    }

    /// A topic prefix: levels separated by `/`, no wildcards, no empty level, no leading or trailing `/`.
    private static func checkTopicPrefix(_ prefix: String, _ name: String, _ section: ConfigurationSection) -> String? {
        let levels = prefix.split(separator: "/", omittingEmptySubsequences: false)
        if levels.contains(where: \.isEmpty) || prefix.contains("+") || prefix.contains("#") || prefix.hasPrefix("$") {
            section.problem(name, "must be topic levels like 'heliograph' or 'home/solar' (no '+', '#', leading '$' or empty levels); got '\(prefix)'")
            return nil
        }
        return prefix
    }
}
