import Foundation
import HeliographCore

/// The arithmetic every `SampleStore` of this package shares (daily energy rules, rollup buckets,
/// local days), offered to the other stores (PostgreSQL) so both compute exactly the same results
/// and pass one conformance suite. Times are milliseconds since 1970.
package enum StoreArithmetic {
    /// Energy per local day from the points of one field, by the rules of `DailyEnergyCalculator`.
    /// Returns nil when the field is neither an energy counter nor a power reading.
    /// - Parameters:
    ///   - points: `(time, value)` sorted by time, starting a day and a half before `firstDay` for the baseline.
    ///   - unit: the field's unit from its registered descriptor, if any; else the id's suffix decides.
    package static func dailyEnergy(
        points: [(time: Int64, value: Double)],
        unit: FieldDescriptor.Unit?,
        field: FieldID,
        rules: EnergyRules,
        timeZone: TimeZone,
        firstDay: Int64,
        end: Int64
    ) -> [DailyEnergy]? {
        guard let source = DailyEnergyCalculator.Source(unit: unit, field: field) else { return nil }
        let stored = points.map { StoredPoint(time: $0.time, value: $0.value) }
        return DailyEnergyCalculator(source: source, rules: rules, timeZone: timeZone).dailyEnergy(stored, firstDay: firstDay, end: end)
    }

    /// The local midnight (in `timeZone`) starting the day that holds `time`.
    package static func startOfLocalDay(_ time: Int64, in timeZone: TimeZone) -> Int64 {
        var days = DayCalendar(timeZone: timeZone)
        return days.startOfDay(time)
    }

    /// Buckets of a rollup tier over time-sorted points; non-finite values are not aggregated.
    package static func aggregates(_ points: [(time: Int64, value: Double)], step: Rollup) -> [AggregatePoint] {
        Accumulator.buckets(points.map { StoredPoint(time: $0.time, value: $0.value) }, rollup: step).map { $0.accumulator.aggregate(at: $0.start) }
    }

    /// The start of the bucket of `step` holding `time`, aligned to 1970.
    package static func bucketStart(_ time: Int64, step: Rollup) -> Int64 { step.bucketStart(time) }
}
