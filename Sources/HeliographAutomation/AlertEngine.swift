import HeliographCore

import struct Foundation.Date
import struct Foundation.TimeInterval

/// Raises and clears alerts from readings and the time. Pure: rules, readings and a time in,
/// alert records out (with `notified` telling whether the channels should hear of it).
public struct AlertEngine: Sendable {
    struct RuleState: Sendable, Hashable {
        var firing = false
        var since: Date?
        var lastNotified: Date?
        var lastResolved: Date?
        var message = ""
    }

    public let rules: [AlertRule]
    /// When watching started: a device never heard from is stale `after` seconds from here.
    public let started: Date
    private var states: [String: RuleState]

    public init(rules: [AlertRule], started: Date) {
        self.rules = rules
        self.started = started
        self.states = Dictionary(uniqueKeysWithValues: rules.map { ($0.name, RuleState()) })
    }

    /// The alerts firing now, newest first.
    public var firing: [AlertRecord] {
        rules.compactMap { rule in
            guard let state = states[rule.name], state.firing, let since = state.since else { return nil }
            return AlertRecord(time: since, rule: rule.name, state: .firing, severity: rule.severity, message: state.message, notified: state.lastNotified != nil)
        }.sorted { $0.time > $1.time }
    }

    public mutating func evaluate(readings: Readings, now: Date) -> [AlertRecord] {
        var records: [AlertRecord] = []
        for rule in rules {
            var state = states[rule.name] ?? RuleState()
            defer { states[rule.name] = state }
            guard let (shouldFire, explanation) = Self.check(rule, readings: readings, now: now, started: started, firing: state.firing) else { continue }
            if shouldFire && !state.firing {
                state.firing = true
                state.since = now
                state.message = rule.message.map { "\($0) (\(explanation))" } ?? explanation
                let quiet = state.lastResolved.map { now.timeIntervalSince($0) < rule.quietAfterResolve } ?? false
                state.lastNotified = quiet ? nil : now
                records.append(AlertRecord(time: now, rule: rule.name, state: .firing, severity: rule.severity, message: state.message, notified: !quiet))
            } else if shouldFire, let every = rule.repeatEvery, now.timeIntervalSince(state.lastNotified ?? state.since ?? now) >= every {
                state.lastNotified = now
                state.message = rule.message.map { "\($0) (\(explanation))" } ?? explanation
                records.append(AlertRecord(time: now, rule: rule.name, state: .firing, severity: rule.severity, message: "still: \(state.message)", notified: true))
            } else if !shouldFire && state.firing {
                let wasNotified = state.lastNotified != nil
                state.firing = false
                state.lastResolved = now
                let message = "resolved: \(explanation)"
                records.append(
                    AlertRecord(time: now, rule: rule.name, state: .resolved, severity: rule.severity, message: message, notified: rule.notifyResolved && wasNotified)
                )
                state.lastNotified = nil
            }
        }
        return records
    }

    /// Whether the rule's alert should be firing, with the reason; nil keeps the current state.
    static func check(_ rule: AlertRule, readings: Readings, now: Date, started: Date, firing: Bool) -> (Bool, String)? {
        switch rule.trigger {
        case .stale(let device, let after):
            let last = readings.lastSeen[device]
            let silence = now.timeIntervalSince(last ?? started)
            if silence >= after {
                let since = last.map { "since \(Int(now.timeIntervalSince($0) / 60)) min" } ?? "since the daemon started \(Int(silence / 60)) min ago"
                return (true, "no data from \(device) \(since)")
            }
            return (false, "\(device) is sending data again")
        case .threshold(let when, let clear):
            let lookup = { (key: SeriesKey) in readings.value(key, now: now, maximumAge: rule.maximumAge) }
            if firing {
                // Still firing (for reminders) until the clear condition, or the end of `when`, says otherwise.
                if let clear {
                    let cleared = clear.evaluate(lookup)
                    if cleared.holds == true { return (false, cleared.explanation) }
                    let outcome = when.evaluate(lookup)
                    return cleared.holds == nil ? nil : (true, outcome.explanation)
                }
                let outcome = when.evaluate(lookup)
                return outcome.holds.map { ($0, outcome.explanation) }
            }
            let outcome = when.evaluate(lookup)
            return outcome.holds == true ? (true, outcome.explanation) : nil
        }
    }
}
