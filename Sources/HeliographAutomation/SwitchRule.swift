import struct Foundation.TimeInterval

/// When a load goes on and off: the smart load switching rule of one switch.
///
/// Hysteresis comes from the two condition lists: the load goes on when *every* `onWhen` condition
/// holds and off when *any* `offWhen` condition holds (SOC > 90 on, SOC < 60 off); between the
/// two it stays as it is. Minimum on and off times stop a load from flapping; outside its time
/// window it is switched off and never on. A forecast condition is a condition on a weather field
/// (`weather.forecast_cloud_cover_3h_pct < 50`).
public struct SwitchRule: Sendable, Hashable {
    /// The switch id, e.g. `boiler`.
    public var id: String
    public var onWhen: [Condition]
    public var offWhen: [Condition]
    public var minimumOn: TimeInterval
    public var minimumOff: TimeInterval
    /// Local-time window in the site's time zone; nil means always.
    public var window: TimeWindow?
    /// Readings older than this count as missing (a missing value never satisfies a condition).
    public var maximumAge: TimeInterval

    public init(
        id: String,
        onWhen: [Condition],
        offWhen: [Condition] = [],
        minimumOn: TimeInterval = 0,
        minimumOff: TimeInterval = 0,
        window: TimeWindow? = nil,
        maximumAge: TimeInterval = 300
    ) {
        self.id = id
        self.onWhen = onWhen
        self.offWhen = offWhen
        self.minimumOn = minimumOn
        self.minimumOff = minimumOff
        self.window = window
        self.maximumAge = maximumAge
    }

    /// The rule in words, for the web page.
    public var summary: String {
        var text = "on when " + (onWhen.isEmpty ? "never" : onWhen.map(\.text).joined(separator: " and "))
        text += "; off when " + (offWhen.isEmpty ? "an on condition fails" : offWhen.map(\.text).joined(separator: " or "))
        if let window { text += "; only \(window)" }
        if minimumOn > 0 { text += "; at least \(Int(minimumOn)) s on" }
        if minimumOff > 0 { text += "; at least \(Int(minimumOff)) s off" }
        return text
    }
}
