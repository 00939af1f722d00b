import HeliographCore

import struct Foundation.TimeInterval

/// What raises an alert, and how often it may say so.
public struct AlertRule: Sendable, Hashable {
    public enum Trigger: Sendable, Hashable {
        /// Fires when `when` holds; clears when `clear` holds (hysteresis), or when `when` no longer
        /// holds if `clear` is nil. Readings older than `maximumAge` count as missing: state is kept.
        case threshold(when: Condition, clear: Condition?)
        /// Fires when a device has sent nothing for `after` seconds (a logger offline, a dead link).
        case stale(device: DeviceID, after: TimeInterval)
    }

    public var name: String
    public var trigger: Trigger
    /// `info`, `warning` or `critical`; passed to the channels.
    public var severity: String
    /// Text for the notification; `{value}`-style placeholders are filled by the channels.
    public var message: String?
    /// While firing, notify again after this long; nil notifies once.
    public var repeatEvery: TimeInterval?
    /// After an alert cleared, a new firing within this long is shown but not notified (flapping).
    public var quietAfterResolve: TimeInterval
    /// Notify when the alert clears too. Default true.
    public var notifyResolved: Bool
    public var maximumAge: TimeInterval

    public init(
        name: String,
        trigger: Trigger,
        severity: String = "warning",
        message: String? = nil,
        repeatEvery: TimeInterval? = nil,
        quietAfterResolve: TimeInterval = 0,
        notifyResolved: Bool = true,
        maximumAge: TimeInterval = 600
    ) {
        self.name = name
        self.trigger = trigger
        self.severity = severity
        self.message = message
        self.repeatEvery = repeatEvery
        self.quietAfterResolve = quietAfterResolve
        self.notifyResolved = notifyResolved
        self.maximumAge = maximumAge
    }
}
