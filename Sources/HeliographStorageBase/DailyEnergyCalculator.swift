import Foundation
import HeliographCore

/// Thresholds that tell real energy from counter resets, glitches and sleep.
public struct EnergyRules: Sendable, Hashable {
    /// The most power one device can plausibly deliver, in kW. A counter step implying more within
    /// the time between two readings is a glitch, not energy.
    public var maximumPowerKilowatts: Double
    /// Energy a counter step may show beyond `maximumPowerKilowatts` × elapsed time, in kWh, because
    /// counters are coarse (0.1 kWh) and polls can be a second apart.
    public var counterStepAllowanceKilowattHours: Double
    /// A counter that falls by at most this much (kWh) or this fraction of its value is jitter and is ignored.
    public var backwardToleranceKilowattHours: Double
    public var backwardToleranceFraction: Double
    /// The longest gap between two power readings that is integrated; a longer gap (sleep, outage) adds nothing.
    public var maximumPowerGap: Duration

    public init(
        maximumPowerKilowatts: Double = 100,
        counterStepAllowanceKilowattHours: Double = 0.5,
        backwardToleranceKilowattHours: Double = 0.1,
        backwardToleranceFraction: Double = 0.05,
        maximumPowerGap: Duration = .seconds(900)
    ) {
        self.maximumPowerKilowatts = maximumPowerKilowatts
        self.counterStepAllowanceKilowattHours = counterStepAllowanceKilowattHours
        self.backwardToleranceKilowattHours = backwardToleranceKilowattHours
        self.backwardToleranceFraction = backwardToleranceFraction
        self.maximumPowerGap = maximumPowerGap
    }
}

/// Turns the points of one field into energy per local calendar day.
///
/// **Counters** (kWh or Wh) are followed with a high-water mark `ref`; for each reading `v`, `dt`
/// after the previous one, with `allowance = maximumPowerKilowatts × dt + counterStepAllowance`:
/// 1. `v ≥ ref` and `v − ref ≤ allowance`: energy `v − ref`, and `ref = v`.
/// 2. `v − ref > allowance` (a jump no inverter can make, e.g. a bad read or a counter coming back
///    after reading 0 while asleep): nothing counts, `ref = v` (re-baseline).
/// 3. `v < ref` by no more than the backward tolerance: jitter, ignored (`ref` stays, so nothing is counted twice).
/// 4. `v < ref` and `v ≤ allowance`: the counter was reset (at midnight, at another hour, or on
///    waking): energy `v` (what it counted since the reset), `ref = v`.
/// 5. any other fall: a glitch or replaced counter; nothing counts, `ref = v`.
/// Every rule either counts plausible energy or nothing, so glitches undercount slightly, never overcount.
/// Energy between two readings goes to the local day holding the step's end, the step being
/// `(earlier, later]`: a reading at exactly midnight closes the day before. The first reading of a
/// series only sets the baseline.
///
/// **Power** (W or kW) is integrated with the trapezoid rule between consecutive readings no more than
/// `maximumPowerGap` apart (longer gaps are sleep or outage and add nothing); a span that crosses
/// local midnight is split there with the power interpolated linearly. Signed power integrates to
/// net energy. Non-finite readings are skipped in both cases.
package struct DailyEnergyCalculator: Sendable {
    package enum Source: Sendable, Hashable {
        /// A cumulative counter; `scale` converts its unit to kWh.
        case counter(scale: Double)
        /// A power reading; `scale` converts its unit to kW.
        case power(scale: Double)

        /// From the descriptor's unit when known, otherwise from the field id's unit suffix.
        package init?(unit: FieldDescriptor.Unit?, field: FieldID) {
            let unit = unit ?? Self.unit(fromSuffixOf: field)
            switch unit {
            case .kilowattHour: self = .counter(scale: 1)
            case .wattHour: self = .counter(scale: 0.001)
            case .kilowatt: self = .power(scale: 1)
            case .watt: self = .power(scale: 0.001)
            default: return nil
            }
        }

        private static func unit(fromSuffixOf field: FieldID) -> FieldDescriptor.Unit? {
            let id = field.rawValue
            if id.hasSuffix("_kwh") { return .kilowattHour }
            if id.hasSuffix("_wh") { return .wattHour }
            if id.hasSuffix("_kw") { return .kilowatt }
            if id.hasSuffix("_w") { return .watt }
            return nil
        }
    }

    package var source: Source
    package var rules: EnergyRules
    package var timeZone: TimeZone

    package init(source: Source, rules: EnergyRules, timeZone: TimeZone) {
        self.source = source
        self.rules = rules
        self.timeZone = timeZone
    }

    /// Energy per day for the days starting at or after `firstDay` (a local midnight, ms) and before
    /// `end`; `points` may start earlier to provide the baseline. Days with no reading are left out.
    package func dailyEnergy(_ points: [StoredPoint], firstDay: Int64, end: Int64) -> [DailyEnergy] {
        guard end > firstDay else { return [] }
        var days = DayCalendar(timeZone: timeZone)
        var boundaries = [firstDay]
        var keys: [String] = []
        while let last = boundaries.last, last < end {
            let day = days.day(containing: last)
            keys.append(day.key)
            boundaries.append(min(day.end, end))
        }
        return zip(keys, energy(points, boundaries: boundaries)).compactMap { key, bucket in
            bucket.readings > 0 ? DailyEnergy(day: key, kilowattHours: bucket.kilowattHours) : nil
        }
    }

    /// Energy in each span `boundaries[i]..<boundaries[i + 1]` (ms, ascending), with how much of the
    /// span the readings cover and how many counter steps were skipped. `points` may start earlier to
    /// provide the baseline; energy outside the boundaries is dropped.
    ///
    /// A counter step's energy goes to the span holding its end, the step being `(earlier, later]`: a
    /// reading at exactly 09:00 closes the 08:00 hour, not the 09:00 one. The time it spans counts as covered
    /// (split over the spans it crosses) when the step was accepted (rules 1, 3 and 4), uncovered when it
    /// was skipped (rules 2 and 5, counted in `skippedSteps`). A power span no longer than
    /// `maximumPowerGap` is covered and integrated, split at every boundary with the power interpolated.
    package func energy(_ points: [StoredPoint], boundaries: [Int64]) -> [EnergyBucket] {
        var buckets = EnergyBuckets(boundaries: boundaries)
        let finite = points.filter { $0.value.isFinite }
        switch source {
        case .counter(let scale):
            var reference: Double?
            var previousTime: Int64 = 0
            for point in finite {
                let value = point.value * scale
                defer { previousTime = point.time }
                buckets.markReading(at: point.time)
                guard let ref = reference else {
                    reference = value
                    continue
                }
                let hours = Double(point.time - previousTime) / 3_600_000
                let allowance = rules.maximumPowerKilowatts * hours + rules.counterStepAllowanceKilowattHours
                var accepted = true
                if value >= ref {
                    accepted = value - ref <= allowance
                    if accepted { buckets.add(value - ref, at: point.time - 1) }
                    reference = value
                } else if ref - value <= max(rules.backwardToleranceKilowattHours, ref * rules.backwardToleranceFraction) {
                    // Jitter: nothing counts and the reference stays.
                } else if value <= allowance {
                    buckets.add(value, at: point.time - 1)
                    reference = value
                } else {
                    accepted = false
                    reference = value
                }
                if accepted {
                    buckets.cover(from: previousTime, to: point.time)
                } else {
                    buckets.skip(at: point.time - 1)
                }
            }
        case .power(let scale):
            let maximumGap = rules.maximumPowerGap.milliseconds
            var previous: StoredPoint?
            for point in finite {
                defer { previous = point }
                buckets.markReading(at: point.time)
                guard let start = previous, point.time - start.time <= maximumGap, point.time > start.time else { continue }
                buckets.cover(from: start.time, to: point.time)
                // Split the span at every boundary inside it, interpolating the power there.
                let startValue = start.value * scale
                let endValue = point.value * scale
                var segmentStart = start.time
                var segmentValue = startValue
                while segmentStart < point.time {
                    let segmentEnd = min(buckets.nextBoundary(after: segmentStart) ?? point.time, point.time)
                    let fraction = Double(segmentEnd - start.time) / Double(point.time - start.time)
                    let valueAtEnd = startValue + (endValue - startValue) * fraction
                    let hours = Double(segmentEnd - segmentStart) / 3_600_000
                    buckets.add((segmentValue + valueAtEnd) / 2 * hours, at: segmentStart)
                    segmentStart = segmentEnd
                    segmentValue = valueAtEnd
                }
            }
        }
        return buckets.buckets
    }
}

/// Local calendar days, caching the current one because most consecutive readings share a day.
package struct DayCalendar {
    package struct Day {
        package var key: String
        package var start: Int64
        package var end: Int64
    }

    private let calendar: Calendar
    private var current: Day?

    package init(timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    package mutating func day(containing time: Int64) -> Day {
        if let current, time >= current.start, time < current.end { return current }
        let date = Date(storageMilliseconds: time)
        let start = calendar.startOfDay(for: date)
        let end = calendar.date(byAdding: .day, value: 1, to: start) ?? start.addingTimeInterval(86_400)
        let parts = calendar.dateComponents([.year, .month, .day], from: start)
        let key = String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
        let day = Day(key: key, start: start.storageMilliseconds, end: end.storageMilliseconds)
        current = day
        return day
    }

    /// The local midnight starting the day that contains `time`.
    package mutating func startOfDay(_ time: Int64) -> Int64 { day(containing: time).start }
}
