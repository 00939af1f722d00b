import Foundation
import HeliographCore

/// A `dailyEnergy` request as both stores serve it: which points to read, and the energy per local
/// day from them by the rules of `DailyEnergyCalculator`. Times are milliseconds since 1970.
package struct DailyEnergyRequest: Sendable {
    package let key: SeriesKey
    /// The local midnight starting the first day asked for.
    package let firstDay: Int64
    package let end: Int64
    package let timeZone: TimeZone

    /// Nil when the range holds no day (nothing to read, no error).
    package init?(device: DeviceID, field: FieldID, from: Date, to: Date, timeZone: TimeZone) {
        var days = DayCalendar(timeZone: timeZone)
        firstDay = days.startOfDay(from.storageMilliseconds)
        end = to.storageMilliseconds
        guard end > firstDay else { return nil }
        key = SeriesKey(device: device, field: field)
        self.timeZone = timeZone
    }

    /// Where reading starts: a day and a half before the first day gives the baseline reading.
    package var readFrom: Int64 { firstDay - 129_600_000 }

    /// Energy per day from the points read over `readFrom..<end` (sorted by time).
    /// - Parameter unit: the field's unit from its registered descriptor, if any; else the id's suffix decides.
    /// - Throws: `invalidRequest` when the field is neither an energy counter nor a power reading.
    package func energy(_ points: [StoredPoint], unit: FieldDescriptor.Unit?, rules: EnergyRules) throws -> [DailyEnergy] {
        guard let source = DailyEnergyCalculator.Source(unit: unit, field: key.field) else {
            throw HeliographError(.invalidRequest, "\(key) is neither an energy counter (kWh, Wh) nor a power reading (W, kW)", device: key.device)
        }
        return DailyEnergyCalculator(source: source, rules: rules, timeZone: timeZone).dailyEnergy(points, firstDay: firstDay, end: end)
    }
}
