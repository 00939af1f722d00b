import struct Foundation.Date

/// One decision of a load-switching rule: what it switched, when, and why.
public struct SwitchDecisionRecord: Sendable, Hashable, Codable {
    public var time: Date
    /// The switch (load) id from the configuration, e.g. `boiler`.
    public var switchID: String
    public var on: Bool
    /// Which conditions held, with the values seen, e.g. `inverter.battery_soc_pct 92 > 90`.
    public var reason: String
    /// `applied` (the command was sent), `failed` (it could not be sent), `dry-run`.
    public var result: String
    public var message: String?

    public init(time: Date, switchID: String, on: Bool, reason: String, result: String, message: String? = nil) {
        self.time = time
        self.switchID = switchID
        self.on = on
        self.reason = reason
        self.result = result
        self.message = message
    }
}

/// A load switch as the automation sees it now.
public struct SwitchStatus: Sendable, Hashable, Codable {
    public var id: String
    /// Nil until the first decision: the daemon does not know what the switch did before it started.
    public var on: Bool?
    public var since: Date?
    /// Where commands go, e.g. `cmnd/boiler/POWER`.
    public var topic: String
    /// The rule in words: when it switches on and off.
    public var rule: String
    public var lastDecision: SwitchDecisionRecord?

    public init(id: String, on: Bool?, since: Date?, topic: String, rule: String, lastDecision: SwitchDecisionRecord?) {
        self.id = id
        self.on = on
        self.since = since
        self.topic = topic
        self.rule = rule
        self.lastDecision = lastDecision
    }
}

/// One alert raised or cleared.
public struct AlertRecord: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
        case firing, resolved
    }

    public var time: Date
    public var rule: String
    public var state: State
    public var severity: String
    public var message: String
    /// Whether the notification went out to the configured channels (false when suppressed as a repeat).
    public var notified: Bool

    public init(time: Date, rule: String, state: State, severity: String, message: String, notified: Bool) {
        self.time = time
        self.rule = rule
        self.state = state
        self.severity = severity
        self.message = message
        self.notified = notified
    }
}

/// What the web page shows of the automations; the composition root hands the running services in.
public protocol AutomationReport: Sendable {
    func switches() async -> [SwitchStatus]
    /// Newest first.
    func decisions(limit: Int) async throws -> [SwitchDecisionRecord]
    /// Alerts firing now, newest first.
    func activeAlerts() async -> [AlertRecord]
    /// Raised and cleared alerts, newest first.
    func alertHistory(limit: Int) async -> [AlertRecord]
    /// Whether any alert rule is configured.
    var alertsConfigured: Bool { get }
}
