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
    /// somewhat before the first boundary (the counters' baseline) to the last one.
    package func energy(points: [FieldID: [StoredPoint]], boundaries: [Int64]) -> [[EnergyFlow: FlowEnergy]] {
        let spans = zip(boundaries, boundaries.dropFirst()).map { $1 - $0 }
        var result = spans.map { _ in [EnergyFlow: FlowEnergy]() }
        for (flow, feed) in catalogue.feeds {
            let counters = feed.counters.compactMap { field -> [EnergyBucket]? in
                guard let source = DailyEnergyCalculator.Source(unit: field.unit, field: field.id) else { return nil }
                return DailyEnergyCalculator(source: source, rules: rules, timeZone: timeZone).energy(points[field.id] ?? [], boundaries: boundaries)
            }
            let power = feed.power.flatMap { field, part -> [EnergyBucket]? in
                guard let source = DailyEnergyCalculator.Source(unit: field.unit, field: field.id) else { return nil }
                let series = PowerSplit.part(points[field.id] ?? [], part)
                return DailyEnergyCalculator(source: source, rules: rules, timeZone: timeZone).energy(series, boundaries: boundaries)
            }
            for index in spans.indices {
                result[index][flow] = Self.best(counters: counters.map { $0[index] }, power: power?[index], span: spans[index])
            }
        }
        for index in spans.indices {
            result[index] = EnergyBalance.complete(result[index], spanMilliseconds: spans[index])
        }
        return result
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
