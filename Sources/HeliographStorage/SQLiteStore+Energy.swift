import Foundation
import GRDB
import HeliographCore

extension SQLiteStore {
    /// Energy per local calendar day (in `configuration.timeZone`) for the days from the one holding
    /// `from` up to `to`, computed from a counter (kWh, Wh) or a power field (W, kW) by the rules of
    /// `DailyEnergyCalculator`. The unit comes from the registered descriptor, else the id's suffix.
    /// Days with no reading are left out.
    /// - Throws: `invalidRequest` when the field is neither an energy counter nor a power reading.
    public func dailyEnergy(device: DeviceID, field: FieldID, from: Date, to: Date) async throws -> [DailyEnergy] {
        var days = DayCalendar(timeZone: configuration.timeZone)
        let firstDay = days.startOfDay(from.storageMilliseconds)
        let end = to.storageMilliseconds
        guard end > firstDay else { return [] }
        let key = SeriesKey(device: device, field: field)
        let rules = configuration.energy
        let timeZone = configuration.timeZone
        let (points, unit) = try await storageOperation("reading energy of \(key)") {
            try await database.read { db -> ([StoredPoint], FieldDescriptor.Unit?) in
                var unit: FieldDescriptor.Unit?
                if let json = try String.fetchOne(db, sql: "SELECT descriptor FROM device WHERE id = ?", arguments: [device.rawValue]) {
                    unit = (try? JSONDecoder().decode(DeviceDescriptor.self, from: Data(json.utf8)))?.field(field)?.unit
                }
                guard let id = try Self.existingSeriesID(db, key) else { return ([], unit) }
                // A day and a half before the first day gives the baseline reading.
                return (try Self.rawPoints(db, series: id, from: firstDay - 129_600_000, to: end), unit)
            }
        }
        guard let source = DailyEnergyCalculator.Source(unit: unit, field: field) else {
            throw HeliographError(.invalidRequest, "\(key) is neither an energy counter (kWh, Wh) nor a power reading (W, kW)", device: device)
        }
        return DailyEnergyCalculator(source: source, rules: rules, timeZone: timeZone).dailyEnergy(points, firstDay: firstDay, end: end)
    }
}
