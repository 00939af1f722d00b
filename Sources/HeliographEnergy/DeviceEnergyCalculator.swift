import Foundation
import HeliographCore
import HeliographStorageBase

/// The flows of one device over consecutive spans (days, or the time-of-use windows of days), each from
/// the best source with data in that span: a counter, else integrated power, else the balance of the others.
package struct DeviceEnergyCalculator: Sendable {
    package var catalogue: EnergyFieldCatalogue
    package var rules: EnergyRules
    package var timeZone: TimeZone

    package init(catalogue: EnergyFieldCatalogue, rules: EnergyRules, timeZone: TimeZone) {
        self.catalogue = catalogue
        self.rules = rules
        self.timeZone = timeZone
    }

    /// Energy per flow and span. `points` holds the stored points of the catalogue's fields, read from
    /// somewhat before the first boundary (the counters' baseline) to the last one. With `completing`
    /// false the flows the device does not measure are left out, for the caller to close the balance
    /// over longer spans.
    package func energy(points: [FieldID: [StoredPoint]], boundaries: [Int64], completing: Bool = true) -> [[EnergyFlow: FlowEnergy]] {
        let spans = zip(boundaries, boundaries.dropFirst()).map { $1 - $0 }
        var result = spans.map { _ in [EnergyFlow: FlowEnergy]() }
        for (flow, feed) in catalogue.feeds {
            let counters = feed.counters.compactMap { field -> [EnergyBucket]? in
                guard let source = DailyEnergyCalculator.Source(unit: field.unit, field: field.id) else { return nil }
                return DailyEnergyCalculator(source: source, rules: rules, timeZone: timeZone).energy(points[field.id] ?? [], boundaries: boundaries)
            }
            let parts = feed.power.map { [$0] } ?? feed.summedPower.map { ($0, .whole) }
            let power = Self.summed(parts.compactMap { field, part -> [EnergyBucket]? in
                guard let source = DailyEnergyCalculator.Source(unit: field.unit, field: field.id) else { return nil }
                let series = PowerSplit.part(points[field.id] ?? [], part)
                return DailyEnergyCalculator(source: source, rules: rules, timeZone: timeZone).energy(series, boundaries: boundaries)
            })
            for index in spans.indices {
                result[index][flow] = Self.best(counters: counters.map { $0[index] }, power: power?[index], span: spans[index])
            }
        }
        guard completing else { return result }
        for index in spans.indices {
            result[index] = EnergyBalance.complete(result[index], spanMilliseconds: spans[index])
        }
        return result
    }

    /// Power fields that add up to the flow's power (PV strings), span by span: the integral of a sum is
    /// the sum of the integrals. A string without any reading in a span is not there (an unused port of
    /// a microinverter); of the others, the span is covered where every one had data (the least covered).
    static func summed(_ series: [[EnergyBucket]]) -> [EnergyBucket]? {
        guard let first = series.first else { return nil }
        return first.indices.map { index in
            let present = series.compactMap { $0.indices.contains(index) ? $0[index] : nil }.filter { $0.readings > 0 || $0.coveredMilliseconds > 0 }
            guard var total = present.first else { return first[index] }
            for other in present.dropFirst() {
                total.kilowattHours += other.kilowattHours
                total.coveredMilliseconds = min(total.coveredMilliseconds, other.coveredMilliseconds)
                total.readings += other.readings
            }
            return total
        }
    }

    /// The first counter with covered time, else the power integral, else unknown. Counter steps
    /// skipped in any counter are reported with the figure.
    static func best(counters: [EnergyBucket], power: EnergyBucket?, span: Int64) -> FlowEnergy {
        let skipped = counters.reduce(0) { $0 + $1.skippedSteps }
        if let counter = counters.first(where: { $0.coveredMilliseconds > 0 }) {
            return FlowEnergy(kilowattHours: counter.kilowattHours, source: .counter, coveredMilliseconds: counter.coveredMilliseconds, spanMilliseconds: span, skippedCounterSteps: skipped)
        }
        if let power, power.coveredMilliseconds > 0 {
            return FlowEnergy(kilowattHours: power.kilowattHours, source: .integrated, coveredMilliseconds: power.coveredMilliseconds, spanMilliseconds: span, skippedCounterSteps: skipped)
        }
        var unknown = FlowEnergy.unknown(spanMilliseconds: span)
        unknown.skippedCounterSteps = skipped
        return unknown
    }
}
