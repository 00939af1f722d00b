/// Where a load's on/off commands go: an MQTT topic and the payloads its device expects.
public struct LoadSwitch: Sendable, Hashable {
    /// Payload conventions of common smart plugs and relays.
    public enum Style: String, Sendable, Hashable, CaseIterable {
        /// Tasmota: `cmnd/<name>/POWER` with `ON` / `OFF`.
        case tasmota
        /// Shelly Gen1 relays: `shellies/<name>/relay/0/command` with `on` / `off`.
        case shelly
        /// Home Assistant MQTT switch (or anything taking `ON`/`OFF` on a command topic you name).
        case homeAssistant = "home-assistant"
        /// Topic and payloads as given.
        case custom
    }

    public var id: String
    public var topic: String
    public var payloadOn: String
    public var payloadOff: String
    public var retain: Bool

    public init(id: String, topic: String, payloadOn: String = "ON", payloadOff: String = "OFF", retain: Bool = false) {
        self.id = id
        self.topic = topic
        self.payloadOn = payloadOn
        self.payloadOff = payloadOff
        self.retain = retain
    }

    /// The topic and payloads a style implies for a device `name` (the Tasmota topic or Shelly id);
    /// `topic` overrides the style's topic (required for `home-assistant` and `custom`).
    public static func styled(_ style: Style, id: String, name: String?, topic: String?, payloadOn: String?, payloadOff: String?, retain: Bool = false) -> LoadSwitch? {
        let device = name ?? id
        let defaultTopic: String?
        let on: String, off: String
        switch style {
        case .tasmota: (defaultTopic, on, off) = ("cmnd/\(device)/POWER", "ON", "OFF")
        case .shelly: (defaultTopic, on, off) = ("shellies/\(device)/relay/0/command", "on", "off")
        case .homeAssistant, .custom: (defaultTopic, on, off) = (nil, "ON", "OFF")
        }
        guard let chosen = topic ?? defaultTopic else { return nil }
        return LoadSwitch(id: id, topic: chosen, payloadOn: payloadOn ?? on, payloadOff: payloadOff ?? off, retain: retain)
    }

    public func payload(on: Bool) -> String { on ? payloadOn : payloadOff }
}

/// Sends a message to the broker; `MQTTClient` in the daemon, a recorder in tests.
public protocol MessagePublisher: Sendable {
    func publish(topic: String, payload: String, retain: Bool) async throws
}
