import Foundation
import HeliographCore
import HeliographSQLite
import HeliographStorageBase
import Testing

@testable import HeliographEnergy

/// How long day, month and year views take over a year of one-minute readings (3.2 million points in
/// an SQLite file), first from the points, then from kept days, then after a restart with the days
/// read back from `energy-days.json`. Takes minutes, so it runs only with
/// `HELIOGRAPH_ENERGY_MEASURE=1 swift test --filter EnergyYearMeasurement` (README, Energy).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["HELIOGRAPH_ENERGY_MEASURE"] != nil))
struct EnergyYearMeasurement {
    @Test func dayMonthAndYearFromPointsThenFromKeptDays() async throws {
        let path = NSTemporaryDirectory() + "heliograph-energy-measure-\(getpid()).sqlite"
        let days = EnergyDaysFile(url: URL(fileURLWithPath: NSTemporaryDirectory() + "heliograph-energy-measure-\(getpid())-days.json"))
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(at: days.url)
        }
        let store = try SQLiteStore(configuration: .init(location: .file(path), timeZone: EnergyTestData.utc))
        try await store.register(EnergyTestData.device(fields: [
            CommonFields.pvPower, CommonFields.loadPower, CommonFields.gridPower, CommonFields.batteryPower, CommonFields.pvEnergyTotal,
            EnergyTestData.counter("grid_import_energy_total_kwh"),
        ]))
        let year = try EnergyPeriod(.year, containing: "2025-06-01", timeZone: EnergyTestData.utc)
        var batch: [Sample] = []
        var pvTotal = 0.0
        var importTotal = 0.0
        for time in stride(from: year.start, to: year.end, by: 60_000) {
            let hour = Double(time % 86_400_000) / 3_600_000
            let pv = max(0, sin(Double.pi * (hour - 6) / 12)) * 4_000
            pvTotal += pv / 60_000
            importTotal += 300.0 / 60_000
            batch.append(Sample(device: "inv", time: Date(storageMilliseconds: time), values: [
                "pv_power_w": .number(pv.rounded()), "load_power_w": 500, "grid_power_w": .number(300 - pv / 4), "battery_power_w": 200,
                "pv_energy_total_kwh": .number((pvTotal * 10).rounded() / 10), "grid_import_energy_total_kwh": .number((importTotal * 10).rounded() / 10),
            ]))
            if batch.count == 5_000 {
                try await store.write(batch)
                batch.removeAll()
            }
        }
        try await store.write(batch)
        func reporter() -> EnergyReporter {
            EnergyReporter(store: store, timeZone: EnergyTestData.utc, configuration: .init(pollIntervals: ["inv": .seconds(60)]), daysFile: days)
        }
        let clock = ContinuousClock()
        var answers: [EnergyPeriod.Kind: EnergyReport] = [:]
        // Pass 1 is a fresh start with no kept day (what every restart cost before the days file);
        // pass 2 reads the days kept in memory; pass 3 is a restart that reads the file.
        let first = reporter()
        let restarted = { reporter() }
        var current = first
        for (pass, kind) in [(1, EnergyPeriod.Kind.year), (2, .year), (2, .month), (2, .day), (3, .year), (3, .month), (3, .day)] {
            if pass == 3, kind == .year { current = restarted() }
            let period = try EnergyPeriod(kind, containing: "2025-11-15", timeZone: EnergyTestData.utc)
            let started = clock.now
            let report = try await current.report(period, now: Date(storageMilliseconds: year.end))
            print("energy \(kind) pass \(pass): \(clock.now - started), pv \(report.site.kilowattHours(.pv) ?? -1) kWh")
            if let first = answers[kind] { #expect(first == report) } else { answers[kind] = report }
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: days.url.path)[.size] as? Int) ?? 0
        print("energy days file: \(size) bytes, \(current.statistics.keptDeviceDays) device days")
        try store.close()
    }
}
