import HeliographCore

import struct Foundation.Date
import struct Foundation.TimeZone

/// One switching decision the engine took.
public struct SwitchDecision: Sendable, Hashable {
    public var switchID: String
    public var on: Bool
    public var time: Date
    public var reason: String
}

/// Decides, for every load-switching rule, whether its load should change state now. Pure: the
/// rules, the readings and the time go in, decisions come out; nothing is sent from here.
public struct SwitchEngine: Sendable {
    /// What the engine believes a switch is doing.
    public struct SwitchState: Sendable, Hashable {
        /// Nil until the engine first switched it (the state before the daemon started is unknown).
        public var on: Bool?
        /// When it last changed.
        public var since: Date?
    }

    public let rules: [SwitchRule]
    public let timeZone: TimeZone
    public private(set) var states: [String: SwitchState]

    public init(rules: [SwitchRule], timeZone: TimeZone) {
        self.rules = rules
        self.timeZone = timeZone
        self.states = Dictionary(uniqueKeysWithValues: rules.map { ($0.id, SwitchState()) })
    }

    /// Evaluates every rule at `now` and returns the switches to change, updating the believed state.
    public mutating func evaluate(readings: Readings, now: Date) -> [SwitchDecision] {
        var decisions: [SwitchDecision] = []
        for rule in rules {
            let state = states[rule.id] ?? SwitchState()
            guard let (on, reason) = Self.desire(rule, readings: readings, now: now, timeZone: timeZone) else { continue }
            guard state.on != on else { continue }
            // Minimum times hold the current state; the change happens on a later evaluation.
            if let current = state.on, let since = state.since {
                let held = now.timeIntervalSince(since)
                if current && held < rule.minimumOn { continue }
                if !current && held < rule.minimumOff { continue }
            }
            // An unknown switch is only switched off when a rule says so explicitly, not for want of an on reason.
            states[rule.id] = SwitchState(on: on, since: now)
            decisions.append(SwitchDecision(switchID: rule.id, on: on, time: now, reason: reason))
        }
        return decisions
    }

    /// Records a state learned elsewhere (a manual switch, or a restore), so minimum times apply from it.
    public mutating func assume(_ id: String, on: Bool, since: Date) {
        states[id] = SwitchState(on: on, since: since)
    }

    /// What the rule wants now and why; nil when it wants no change (between the thresholds, or data missing).
    static func desire(_ rule: SwitchRule, readings: Readings, now: Date, timeZone: TimeZone) -> (Bool, String)? {
        if let window = rule.window, !window.contains(now, timeZone: timeZone) {
            return (false, "outside the time window \(window)")
        }
        let lookup = { (key: SeriesKey) in readings.value(key, now: now, maximumAge: rule.maximumAge) }
        let offOutcomes = rule.offWhen.map { $0.evaluate(lookup) }
        if let off = offOutcomes.first(where: { $0.holds == true }) {
            return (false, off.explanation)
        }
        let onOutcomes = rule.onWhen.map { $0.evaluate(lookup) }
        guard !onOutcomes.isEmpty else { return nil }
        if onOutcomes.allSatisfy({ $0.holds == true }) {
            return (true, onOutcomes.map(\.explanation).joined(separator: " and "))
        }
        // Without off conditions, the load follows the on conditions both ways (no hysteresis).
        if rule.offWhen.isEmpty, let failed = onOutcomes.first(where: { $0.holds == false }) {
            return (false, failed.explanation)
        }
        return nil
    }
}
