/// Lifetime kWh per site flow, for meters that must never go backwards (Home Assistant's
/// `total_increasing` sensors, Prometheus counters).
///
/// A local day's figure is computed again as its data changes (late points from a fleet edge, a
/// counter step skipped after all), so it can fall as well as rise. The totals add only what a day's
/// figure gains above the highest figure already counted for that day: a day computed lower adds
/// nothing, and rising again adds only what exceeds its earlier best. So the totals never fall and
/// never count the same energy twice. Days older than `keptDays` are forgotten and never counted again.
public struct EnergyTotals: Sendable, Hashable, Codable {
    /// Lifetime kWh per flow, by flow name (`pv`, `grid_import` …); a flow appears once it was known on a day.
    public private(set) var kilowattHours: [String: Double] = [:]
    /// The highest figure counted for each recent local day (`yyyy-MM-dd`), by flow name.
    public private(set) var counted: [String: [String: Double]] = [:]
    /// The newest day forgotten: it and every day before it are no longer counted.
    public private(set) var forgottenThrough: String?

    /// Recent days whose figures are still followed (a week and a day: late data for a past day is counted).
    public static let keptDays = 8

    public init() {}

    /// The newest day counted.
    public var lastDay: String? { counted.keys.max() }

    /// The flows known so far, in the balance's order.
    public var flows: [EnergyFlow] { kilowattHours.keys.compactMap(EnergyFlow.init(rawValue:)).sorted() }

    /// Lifetime kWh of `flow`; nil until the flow was known on some day.
    public func total(_ flow: EnergyFlow) -> Double? { kilowattHours[flow.rawValue] }

    /// Counts the figures of local day `day` (`yyyy-MM-dd`): each flow adds what its figure exceeds the
    /// day's highest counted figure by. Negative or non-finite figures are ignored, as are forgotten days.
    /// - Returns: the kWh added per flow.
    @discardableResult
    public mutating func record(day: String, figures: [EnergyFlow: Double]) -> [EnergyFlow: Double] {
        if let forgottenThrough, day <= forgottenThrough { return [:] }
        var added: [EnergyFlow: Double] = [:]
        var best = counted[day] ?? [:]
        for (flow, kilowattHours) in figures where kilowattHours.isFinite && kilowattHours >= 0 {
            let previous = best[flow.rawValue] ?? 0
            let increment = max(0, kilowattHours - previous)
            best[flow.rawValue] = max(previous, kilowattHours)
            self.kilowattHours[flow.rawValue, default: 0] += increment
            added[flow] = increment
        }
        counted[day] = best
        forgetOldDays()
        return added
    }

    private mutating func forgetOldDays() {
        while counted.count > Self.keptDays, let oldest = counted.keys.min() {
            counted[oldest] = nil
            forgottenThrough = max(forgottenThrough ?? oldest, oldest)
        }
    }

    /// Whether the totals are ones this type could have produced: finite, non-negative figures of known flows.
    public var isPlausible: Bool {
        let known = { (flow: String) in EnergyFlow(rawValue: flow) != nil }
        let sane = { (value: Double) in value.isFinite && value >= 0 }
        return kilowattHours.allSatisfy { known($0.key) && sane($0.value) }
            && counted.values.allSatisfy { $0.allSatisfy { known($0.key) && sane($0.value) } }
    }
}
