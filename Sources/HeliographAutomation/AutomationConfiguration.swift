import HeliographConfigFile
import HeliographCore

/// The `switches:` section: smart load switching, one entry per load, driven over MQTT.
///
/// ```yaml
/// switches:
///   boiler:
///     style: tasmota             # tasmota (default), shelly, home-assistant, custom
///     name: boiler_relay         # the Tasmota topic or Shelly id; default the switch id
///     topic: cmnd/boiler/POWER   # overrides the style's topic; required for home-assistant and custom
///     payload_on: "ON"           # default from the style
///     payload_off: "OFF"
///     retain: false
///     on_when:                   # every condition must hold to switch on
///       - inverter.battery_soc_pct > 90
///       - inverter.pv_power_w > inverter.load_power_w + 1500
///       - weather.forecast_cloud_cover_3h_pct < 60    # a forecast condition
///     off_when:                  # any condition switches off (hysteresis: SOC < 60, not < 90)
///       - inverter.battery_soc_pct < 60
///     min_on: 10m                # default 0
///     min_off: 5m                # default 0
///     window: "10:00-16:00"      # local time (site.time_zone); outside it the load is off
///     max_age: 5m                # older readings count as missing; default 5m
/// ```
public struct SwitchConfiguration: Sendable, Hashable {
    public var target: LoadSwitch
    public var rule: SwitchRule

    static let keys = ["style", "name", "topic", "payload_on", "payload_off", "retain", "on_when", "off_when", "min_on", "min_off", "window", "max_age"]

    public init(target: LoadSwitch, rule: SwitchRule) {
        self.target = target
        self.rule = rule
    }

    /// Reads the section: one switch per key, in file order (problems reported).
    public static func parseAll(_ section: ConfigurationSection) -> [SwitchConfiguration] {
        var result: [SwitchConfiguration] = []
        for id in section.keys {
            guard DeviceID(id).isValid else {
                section.problem(id, "switch ids may only use a-z, 0-9, '_' and '-'")
                continue
            }
            if let parsed = parse(id: id, section: section.section(id)) { result.append(parsed) }
        }
        return result
    }

    private static func parse(id: String, section: ConfigurationSection) -> SwitchConfiguration? {
        guard section.mapping != nil else {
            section.problem(nil, "expected the switch's settings (on_when, off_when, style, ...)")
            return nil
        }
        let styleName = section.string("style", oneOf: LoadSwitch.Style.allCases.map(\.rawValue))
        let style = styleName.flatMap(LoadSwitch.Style.init(rawValue:)) ?? .tasmota
        let target = LoadSwitch.styled(
            style,
            id: id,
            name: section.string("name"),
            topic: section.string("topic"),
            payloadOn: section.string("payload_on"),
            payloadOff: section.string("payload_off"),
            retain: section.bool("retain") ?? false
        )
        if target == nil { section.problem("topic", "missing; style \(style.rawValue) needs the command topic") }
        let onWhen = conditions(section, "on_when")
        let offWhen = conditions(section, "off_when")
        if section.mapping?["on_when"] == nil { section.problem("on_when", "missing; when to switch the load on, e.g. inverter.battery_soc_pct > 90") }
        var window: TimeWindow?
        if let text = section.string("window") {
            do { window = try TimeWindow.parse(text) } catch { section.problem("window", error.message) }
        }
        let minimumOn = section.duration("min_on", in: .zero...(.seconds(86_400)))
        let minimumOff = section.duration("min_off", in: .zero...(.seconds(86_400)))
        let maximumAge = section.duration("max_age", in: .seconds(1)...(.seconds(86_400)))
        section.reportUnknownKeys(allowed: keys)
        guard let target, let onWhen, let offWhen, !onWhen.isEmpty else { return nil }
        let rule = SwitchRule(
            id: id,
            onWhen: onWhen,
            offWhen: offWhen,
            minimumOn: minimumOn.map(seconds) ?? 0,
            minimumOff: minimumOff.map(seconds) ?? 0,
            window: window,
            maximumAge: maximumAge.map(seconds) ?? 300
        )
        return SwitchConfiguration(target: target, rule: rule)
    }
}

/// Conditions under `name` (one or a list); nil when any is bad (reported).
func conditions(_ section: ConfigurationSection, _ name: String) -> [Condition]? {
    guard let texts = section.stringList(name) else { return [] }
    var result: [Condition] = []
    var bad = false
    for text in texts {
        do {
            result.append(try Condition.parse(text))
        } catch {
            section.problem(name, error.message)
            bad = true
        }
    }
    return bad ? nil : result
}

/// The `alerts:` section: rules, and where notifications go.
///
/// ```yaml
/// alerts:
///   rules:
///     battery-low:
///       when: inverter.battery_soc_pct < 15
///       clear: inverter.battery_soc_pct > 25   # hysteresis; default: when no longer holds
///       severity: critical                     # info, warning (default), critical
///       message: Battery nearly empty
///       repeat: 1h                             # remind while firing; default never
///       quiet_after_resolve: 10m               # a re-firing this soon is shown, not sent
///       notify_resolved: true                  # default true
///     logger-offline:
///       stale: inverter                        # a device id: fires when it sends nothing ...
///       after: 10m                             # ... for this long
///   webhooks:
///     phone:                                   # ntfy
///       url: https://ntfy.sh/my-heliograph    # a secret: also url_file, HELIOGRAPH_ALERTS_WEBHOOKS_PHONE_URL, credentials
///       headers: { Title: "Heliograph: {rule}", Priority: "{priority}", Content-Type: text/plain }
///       body: "{message}"
///     home-assistant:                          # JSON body by default
///       url: http://homeassistant.local:8123/api/webhook/heliograph
///       method: POST
///   mqtt: true                                 # publish on <mqtt_topic>/<rule>; default true with mqtt:
///   mqtt_topic: heliograph/alerts
/// ```
/// Placeholders in url, headers and body: `{rule}`, `{state}`, `{severity}`, `{message}`, `{time}`, `{title}`, `{priority}`.
public struct AlertsConfiguration: Sendable, Hashable {
    public var rules: [AlertRule]
    public var webhooks: [WebhookChannel.Configuration]
    /// Nil: publish when an MQTT broker is configured.
    public var mqtt: Bool?
    public var mqttTopic: String

    public init(rules: [AlertRule], webhooks: [WebhookChannel.Configuration] = [], mqtt: Bool? = nil, mqttTopic: String = "heliograph/alerts") {
        self.rules = rules
        self.webhooks = webhooks
        self.mqtt = mqtt
        self.mqttTopic = mqttTopic
    }

    static let keys = ["rules", "webhooks", "mqtt", "mqtt_topic"]
    static let ruleKeys = ["when", "clear", "stale", "after", "severity", "message", "repeat", "quiet_after_resolve", "notify_resolved", "max_age"]
    static let webhookKeys = ["url", "url_file", "method", "headers", "body", "timeout"]

    public static func parse(_ section: ConfigurationSection) -> AlertsConfiguration? {
        guard section.mapping != nil else { return nil }
        var configuration = AlertsConfiguration(rules: [], webhooks: [], mqtt: section.bool("mqtt"), mqttTopic: section.string("mqtt_topic") ?? "heliograph/alerts")
        let rules = section.section("rules")
        for name in rules.keys {
            if let rule = parseRule(name: name, section: rules.section(name)) { configuration.rules.append(rule) }
        }
        let webhooks = section.section("webhooks")
        for name in webhooks.keys {
            if let webhook = parseWebhook(name: name, section: webhooks.section(name)) { configuration.webhooks.append(webhook) }
        }
        section.reportUnknownKeys(allowed: keys)
        return configuration
    }

    private static func parseRule(name: String, section: ConfigurationSection) -> AlertRule? {
        guard section.mapping != nil else {
            section.problem(nil, "expected the alert's settings (when or stale, severity, ...)")
            return nil
        }
        let when = conditions(section, "when")
        let clear = conditions(section, "clear")
        let stale = section.string("stale")
        let after = section.duration("after", in: .seconds(1)...(.seconds(30 * 86_400)))
        let severity = section.string("severity", oneOf: ["info", "warning", "critical"]) ?? "warning"
        let message = section.string("message")
        let repeatEvery = section.duration("repeat", in: .seconds(60)...(.seconds(30 * 86_400)))
        let quiet = section.duration("quiet_after_resolve", in: .zero...(.seconds(86_400)))
        let notifyResolved = section.bool("notify_resolved") ?? true
        let maximumAge = section.duration("max_age", in: .seconds(1)...(.seconds(86_400)))
        section.reportUnknownKeys(allowed: ruleKeys)
        let trigger: AlertRule.Trigger
        switch (when?.first, stale) {
        case (let condition?, nil):
            guard (when?.count ?? 0) == 1, (clear?.count ?? 0) <= 1 else {
                section.problem("when", "give one condition for when (and at most one for clear)")
                return nil
            }
            trigger = .threshold(when: condition, clear: clear?.first)
        case (nil, let device?):
            guard DeviceID(device).isValid else {
                section.problem("stale", "'\(device)' is not a device id")
                return nil
            }
            trigger = .stale(device: DeviceID(device), after: after.map(seconds) ?? 600)
        case (_?, _?):
            section.problem(nil, "give either when (a condition) or stale (a device id), not both")
            return nil
        case (nil, nil):
            if when != nil { section.problem(nil, "missing when (a condition like inverter.battery_soc_pct < 15) or stale (a device id)") }
            return nil
        }
        return AlertRule(
            name: name,
            trigger: trigger,
            severity: severity,
            message: message,
            repeatEvery: repeatEvery.map(seconds),
            quietAfterResolve: quiet.map(seconds) ?? 0,
            notifyResolved: notifyResolved,
            maximumAge: maximumAge.map(seconds) ?? 600
        )
    }

    private static func parseWebhook(name: String, section: ConfigurationSection) -> WebhookChannel.Configuration? {
        // Webhook URLs often carry the secret (an ntfy topic, a Home Assistant webhook id): read like a password.
        let url = section.secret("url")?.value
        let method = section.string("method", oneOf: ["post", "put", "get"])
        let body = section.string("body")
        let timeout = section.duration("timeout", in: .milliseconds(100)...(.seconds(120)))
        var headers: [String: String] = [:]
        let headerSection = section.section("headers")
        for header in headerSection.keys {
            if let value = headerSection.string(header) { headers[header] = value }
        }
        section.reportUnknownKeys(allowed: webhookKeys)
        guard let url else {
            section.problem("url", "missing; where to send alerts, e.g. https://ntfy.sh/my-topic")
            return nil
        }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            section.problem("url", "must start with http:// or https://; got '\(url)'")
            return nil
        }
        return WebhookChannel.Configuration(name: name, url: url, method: method ?? "POST", headers: headers, body: body, timeout: timeout ?? .seconds(10))
    }
}
