import Foundation
import HeliographCore
import HeliographSQLite
import HeliographStorageBase
import Testing

@testable import HeliographEnergy

/// Periods over the real SQLite store: DST days, late data, devices behind a gateway.
@Suite("Energy reports over stored points")
struct EnergyReporterTests {
    typealias Data = EnergyTestData
    let london = TimeZone(identifier: "Europe/London")!

    func store(_ zone: TimeZone) throws -> SQLiteStore {
        try SQLiteStore(configuration: .init(location: .inMemory, timeZone: zone))
    }

    /// One sample of `values` every `seconds` over `start..<end` (ms), plus one at `end`.
    func write(_ store: SQLiteStore, device: DeviceID, from start: Int64, to end: Int64, every seconds: Int64 = 60, _ values: (Int64) -> [FieldID: FieldValue]) async throws {
        var batch: [Sample] = []
        for time in stride(from: start, through: end, by: Int(seconds * 1_000)) {
            batch.append(Sample(device: device, time: Date(storageMilliseconds: time), values: values(time)))
        }
        try await store.write(batch)
    }

    @Test(arguments: [("2026-03-29", 23.0), ("2026-10-25", 25.0), ("2026-06-01", 24.0)])
    func aConstantKilowattAllDayIsTheDaysLengthInKilowattHours(_ date: String, _ hours: Double) async throws {
        let store = try store(london)
        try await store.register(Data.device(fields: [CommonFields.loadPower]))
        let day = try EnergyPeriod(.day, containing: date, timeZone: london)
        try await write(store, device: "inv", from: day.start, to: day.end) { _ in ["load_power_w": .number(1_000)] }
        let report = try await EnergyReporter(store: store, timeZone: london).report(day, now: Date(storageMilliseconds: day.end + 86_400_000))
        let load = try #require(report.site.flows[.load])
        #expect(load.kilowattHours.isClose(to: hours))
        #expect(load.coverage.isClose(to: 1))
        #expect(load.source == .integrated)
    }

    @Test func lateDataForAPastDayIsInTheNextAnswer() async throws {
        let store = try store(Data.utc)
        try await store.register(Data.device(fields: [CommonFields.pvPower]))
        let day = try EnergyPeriod(.day, containing: "2026-01-15", timeZone: Data.utc)
        let reporter = EnergyReporter(store: store, timeZone: Data.utc)
        let later = Date(storageMilliseconds: day.end + 7 * 86_400_000)
        // 2 kW from 09:00 to 11:00, then nothing until 13:00–15:00.
        try await write(store, device: "inv", from: day.start + 9 * Data.hour, to: day.start + 11 * Data.hour) { _ in ["pv_power_w": .number(2_000)] }
        try await write(store, device: "inv", from: day.start + 13 * Data.hour, to: day.start + 15 * Data.hour) { _ in ["pv_power_w": .number(2_000)] }
        let before = try #require(try await reporter.report(day, now: later).site.flows[.pv])
        #expect(before.kilowattHours.isClose(to: 8))
        #expect(before.unknownHours.isClose(to: 20))
        // A week later the edge's outbox delivers 11:00–13:00.
        try await write(store, device: "inv", from: day.start + 11 * Data.hour + 60_000, to: day.start + 13 * Data.hour - 60_000) { _ in ["pv_power_w": .number(2_000)] }
        let after = try #require(try await reporter.report(day, now: later).site.flows[.pv])
        #expect(after.kilowattHours.isClose(to: 12))
        #expect(after.unknownHours.isClose(to: 18))
    }

    @Test func aWeekHasSevenBarsAndTheSiteSumsTopLevelDevicesOnly() async throws {
        let store = try store(Data.utc)
        // A DTU with the plant's total, and one inverter behind it reporting the same energy again.
        try await store.register(Data.device("dtu", kind: "hoymiles-dtu", fields: [CommonFields.pvPower]))
        try await store.register(Data.device("dtu-1161", kind: "hoymiles-inverter", fields: [CommonFields.pvPower], parent: "dtu"))
        try await store.register(Data.device("meter", kind: "sensor", fields: [CommonFields.loadPower]))
        let week = try EnergyPeriod(.week, containing: "2026-01-15", timeZone: Data.utc)
        for day in week.days.prefix(3) {
            try await write(store, device: "dtu", from: day.start + 10 * Data.hour, to: day.start + 12 * Data.hour) { _ in ["pv_power_w": .number(1_500)] }
            try await write(store, device: "dtu-1161", from: day.start + 10 * Data.hour, to: day.start + 12 * Data.hour) { _ in ["pv_power_w": .number(1_500)] }
            try await write(store, device: "meter", from: day.start, to: day.end, every: 300) { _ in ["load_power_w": .number(500)] }
        }
        // "Now" is the middle of the third day (Wednesday 12:00): the rest of the week is not counted yet.
        let now = Date(storageMilliseconds: week.days[2].start + 12 * Data.hour)
        let report = try await EnergyReporter(store: store, timeZone: Data.utc).report(week, now: now)
        #expect(report.bars.count == 7)
        #expect(report.bars.map(\.span.key).first == "2026-01-12")
        #expect(try #require(report.site.flows[.pv]).kilowattHours.isClose(to: 3 * 3))
        #expect(try #require(report.bars[0].site.flows[.pv]).kilowattHours.isClose(to: 3))
        #expect(try #require(report.bars[2].site.flows[.load]).kilowattHours.isClose(to: 6))
        #expect(report.bars[3].site.flows.isEmpty)
        #expect(report.until == now.storageMilliseconds)
        // The child keeps its own figures.
        #expect(try #require(report.devices.first { $0.descriptor.id == "dtu-1161" }?.figures.flows[.pv]).kilowattHours.isClose(to: 9))
        // Load covered 2.5 days of the 2.5 elapsed.
        #expect(try #require(report.site.flows[.load]).coverage.isClose(to: 1))
    }

    @Test func theGapLimitIsAMultipleOfTheDevicesPollInterval() async throws {
        let store = try store(Data.utc)
        try await store.register(Data.device(fields: [CommonFields.pvPower]))
        let day = try EnergyPeriod(.day, containing: "2026-01-15", timeZone: Data.utc)
        // A reading every 10 minutes: with a 60 s poll and 5 polls of tolerance each gap is unknown; with 120 s polls it is not.
        try await write(store, device: "inv", from: day.start + 10 * Data.hour, to: day.start + 12 * Data.hour, every: 600) { _ in ["pv_power_w": .number(1_000)] }
        let now = Date(storageMilliseconds: day.end)
        let short = EnergyReporter(store: store, timeZone: Data.utc, configuration: .init(pollIntervals: ["inv": .seconds(60)]))
        let long = EnergyReporter(store: store, timeZone: Data.utc, configuration: .init(pollIntervals: ["inv": .seconds(120)]))
        #expect(try #require(try await short.report(day, now: now).site.flows[.pv]).kilowattHours == 0)
        #expect(try #require(try await long.report(day, now: now).site.flows[.pv]).kilowattHours.isClose(to: 2))
    }

    @Test func aSecondAnswerFromKeptDaysEqualsAFreshOneUntilDataChanges() async throws {
        let store = try store(Data.utc)
        try await store.register(Data.device(fields: [CommonFields.loadPower, Data.counter("grid_import_energy_total_kwh")]))
        let month = try EnergyPeriod(.month, containing: "2026-01-15", timeZone: Data.utc)
        for day in month.days.prefix(10) {
            try await write(store, device: "inv", from: day.start, to: day.end - 300_000, every: 300) { time in
                ["load_power_w": .number(400), "grid_import_energy_total_kwh": .number(Double(time - month.start) / 3_600_000 * 0.4)]
            }
        }
        // A spike on day 5 at 12:02:30: the step up and the step back are skipped, losing 12:00–12:05.
        try await store.write([Sample(device: "inv", time: Date(storageMilliseconds: month.days[4].start + 12 * Data.hour + 150_000), values: ["grid_import_energy_total_kwh": 6_553.5])])
        let now = Date(storageMilliseconds: month.end)
        let reporter = EnergyReporter(store: store, timeZone: Data.utc)
        let first = try await reporter.report(month, now: now)
        let kept = try await reporter.report(month, now: now)
        let fresh = try await EnergyReporter(store: store, timeZone: Data.utc).report(month, now: now)
        #expect(kept == first)
        #expect(fresh == first)
        #expect(try #require(first.site.kilowattHours(.gridImport)).isClose(to: 10 * 9.6 - 0.4 / 12 - 0.4 / 12, within: 1e-6))
        // A late reading in day 12 (no data so far) is in the next answer.
        try await write(store, device: "inv", from: month.days[11].start + Data.hour, to: month.days[11].start + 2 * Data.hour) { _ in ["load_power_w": .number(1_000)] }
        #expect(reporter.statistics == EnergyStatistics(keptDeviceDays: 31, skippedCounterSteps: 2))
        let later = try await reporter.report(month, now: now)
        #expect(try #require(later.bars[11].site.kilowattHours(.load)).isClose(to: 1))
        #expect(try #require(later.site.kilowattHours(.load)).isClose(to: try #require(first.site.kilowattHours(.load)) + 1))
    }
}
