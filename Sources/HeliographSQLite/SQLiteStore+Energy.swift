import Foundation
import GRDB
import HeliographCore
import HeliographStorageBase

extension SQLiteStore {
    /// Energy per local calendar day (in `configuration.timeZone`) for the days from the one holding
    /// `from` up to `to`, computed from a counter (kWh, Wh) or a power field (W, kW) by the rules of
    /// `DailyEnergyCalculator`. The unit comes from the registered descriptor, else the id's suffix.
    /// Days with no reading are left out.
    /// - Throws: `invalidRequest` when the field is neither an energy counter nor a power reading.
    public func dailyEnergy(device: DeviceID, field: FieldID, from: Date, to: Date) async throws -> [DailyEnergy] {
        guard let request = DailyEnergyRequest(device: device, field: field, from: from, to: to, timeZone: configuration.timeZone) else { return [] }
        let (points, unit) = try await storageOperation("reading energy of \(request.key)") {
            try await database.read { db -> ([StoredPoint], FieldDescriptor.Unit?) in
                let json = try String.fetchOne(db, sql: "SELECT descriptor FROM device WHERE id = ?", arguments: [device.rawValue])
                let unit = StoreJSON.unit(of: field, inDescriptor: json)
                guard let id = try Self.existingSeriesID(db, request.key) else { return ([], unit) }
                return (try Self.rawPoints(db, series: id, from: request.readFrom, to: request.end), unit)
            }
        }
        return try request.energy(points, unit: unit, rules: configuration.energy)
    }
}
