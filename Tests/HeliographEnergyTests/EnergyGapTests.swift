import Foundation
import HeliographCore
import HeliographSQLite
import HeliographStorageBase
import Synchronization
import Testing

@testable import HeliographEnergy

/// The day view's hour bars, PV from strings alone, coverage while a day runs, and complete days kept
/// in `energy-days.json` across a restart.
@Suite("Energy: hours, strings, today, kept days")
struct EnergyGapTests {
    typealias Data = EnergyTestData
    let london = TimeZone(identifier: "Europe/London")!

    func write(_ store: SQLiteStore, device: DeviceID = "inv", from start: Int64, to end: Int64, every seconds: Int64 = 60, _ values: (Int64) -> [FieldID: FieldValue])
        async throws
    {
        var batch: [Sample] = []
        for time in stride(from: start, through: end, by: Int(seconds * 1_000)) {
            batch.append(Sample(device: device, time: Date(storageMilliseconds: time), values: values(time)))
        }
        try await store.write(batch)
    }

    @Test func aDayViewHasABarPerHourAnd23Or25OnDSTDays() throws {
        #expect(try EnergyPeriod(.day, containing: "2026-06-01", timeZone: london).bars.count == 24)
        #expect(try EnergyPeriod(.day, containing: "2026-03-29", timeZone: london).bars.count == 23)
        let autumn = try EnergyPeriod(.day, containing: "2026-10-25", timeZone: london)
        #expect(autumn.bars.count == 25)
        // The clock shows 01:00 twice; the offset tells the hours apart.
        #expect(autumn.bars[1].key == "2026-10-25T01:00+01:00")
        #expect(autumn.bars[2].key == "2026-10-25T01:00+00:00")
        #expect(autumn.bars.first?.start == autumn.start && autumn.bars.last?.end == autumn.end)
    }

    @Test func hourBarsAddUpToTheDayAndFollowTheCounter() async throws {
        let store = try SQLiteStore(configuration: .init(location: .inMemory, timeZone: Data.utc))
        try await store.register(Data.device(fields: [CommonFields.pvEnergyTotal, CommonFields.loadPower]))
        let day = try EnergyPeriod(.day, containing: "2026-01-15", timeZone: Data.utc)
        // The counter rises 1.5 kWh an hour from 10:00 to 14:00 (6 kWh); the load is 600 W all day.
        try await write(store, from: day.start, to: day.end) { time in
            let hours = Double(time - day.start) / Double(Data.hour)
            return ["pv_energy_total_kwh": .number(50 + 1.5 * min(4, max(0, hours - 10))), "load_power_w": 600]
        }
        let report = try await EnergyReporter(store: store, timeZone: Data.utc).report(day, now: Date(storageMilliseconds: day.end + Data.hour))
        #expect(report.bars.count == 24)
        let pv = report.bars.map { $0.site.kilowattHours(.pv) ?? -1 }
        #expect(pv[9].isClose(to: 0) && pv[10].isClose(to: 1.5) && pv[13].isClose(to: 1.5) && pv[14].isClose(to: 0))
        #expect(pv.reduce(0, +).isClose(to: 6))
        #expect(try #require(report.site.kilowattHours(.pv)).isClose(to: 6))
        #expect(report.bars.allSatisfy { ($0.site.kilowattHours(.load) ?? -1).isClose(to: 0.6) })
        #expect(try #require(report.site.kilowattHours(.load)).isClose(to: 14.4))
    }

    @Test func aDerivedFlowIsTheSameDayFigureInADayViewAndAWeekView() async throws {
        let store = try SQLiteStore(configuration: .init(location: .inMemory, timeZone: Data.utc))
        // A PI30-like inverter: no grid meter, so the grid flows are derived from load and PV.
        try await store.register(Data.device(kind: "pi30", fields: [CommonFields.pvPower, CommonFields.loadPower, CommonFields.batteryPower]))
        let day = try EnergyPeriod(.day, containing: "2026-01-15", timeZone: Data.utc)
        // Load 500 W all day; PV 2 kW from 10:00 to 14:00; the battery idle: export at noon, import the rest of the day.
        try await write(store, from: day.start, to: day.end) { time in
            let hours = Double(time - day.start) / Double(Data.hour)
            return ["load_power_w": 500, "pv_power_w": .number((10...14).contains(hours) ? 2_000 : 0), "battery_power_w": 0]
        }
        let reporter = EnergyReporter(store: store, timeZone: Data.utc)
        let now = Date(storageMilliseconds: day.end + Data.hour)
        let dayView = try await reporter.report(day, now: now)
        let weekView = try await reporter.report(try EnergyPeriod(.week, containing: "2026-01-15", timeZone: Data.utc), now: now)
        let thursday = try #require(weekView.bars.first { $0.span.key == "2026-01-15" })
        let imported = try #require(dayView.site.kilowattHours(.gridImport))
        let pv = try #require(dayView.site.kilowattHours(.pv))
        // The day's net: 12 kWh used, PV's share from the panels, the rest imported; nothing exported net.
        #expect(imported.isClose(to: 12 - pv, within: 1e-9))
        #expect(try #require(thursday.site.kilowattHours(.gridImport)).isClose(to: imported, within: 1e-9))
        #expect(dayView.site.flows[.gridImport]?.source == .derived)
        // The hour bars close the balance per hour: noon exports, the other hours import; net the same.
        let hourImport = dayView.bars.reduce(0.0) { $0 + ($1.site.kilowattHours(.gridImport) ?? 0) }
        let hourExport = dayView.bars.reduce(0.0) { $0 + ($1.site.kilowattHours(.gridExport) ?? 0) }
        #expect(hourImport > imported + 5)
        #expect((hourImport - hourExport).isClose(to: imported - (dayView.site.kilowattHours(.gridExport) ?? 0), within: 1e-9))
    }

    @Test func aDeviceWithOnlyStringPowerGetsPVFromTheirSum() async throws {
        let store = try SQLiteStore(configuration: .init(location: .inMemory, timeZone: Data.utc))
        // A microinverter with four ports, two of them unused (never reported), and no total PV field.
        try await store.register(Data.device("micro", kind: "hoymiles-inverter", fields: [
            .measurement("pv1_power_w", "Port 1 power", .watt), .measurement("pv2_power_w", "Port 2 power", .watt),
            .measurement("pv3_power_w", "Port 3 power", .watt), .measurement("pv4_power_w", "Port 4 power", .watt),
        ]))
        let day = try EnergyPeriod(.day, containing: "2026-01-15", timeZone: Data.utc)
        // Port 1: 300 W from 09:00 to 15:00 (1.8 kWh); port 2: 200 W from 10:00 to 14:00 (0.8 kWh).
        try await write(store, device: "micro", from: day.start + 9 * Data.hour, to: day.start + 15 * Data.hour) { time in
            let inside = time >= day.start + 10 * Data.hour && time <= day.start + 14 * Data.hour
            return ["pv1_power_w": 300, "pv2_power_w": .number(inside ? 200 : 0)]
        }
        let report = try await EnergyReporter(store: store, timeZone: Data.utc).report(day, now: Date(storageMilliseconds: day.end))
        let pv = try #require(report.site.flows[.pv])
        #expect(pv.source == .integrated)
        // Port 2 ramps 0 → 200 W over 09:59–10:00 and back over 14:00–14:01: half a minute of 200 W each.
        #expect(pv.kilowattHours.isClose(to: 1.8 + 0.8 + 2 * 0.2 / 120, within: 1e-9))
        #expect(pv.coverage.isClose(to: 6.0 / 24))
    }

    @Test func todaysCoverageIsAShareOfTheElapsedPartOfTheDay() async throws {
        let store = try SQLiteStore(configuration: .init(location: .inMemory, timeZone: Data.utc))
        try await store.register(Data.device(fields: [CommonFields.loadPower]))
        let day = try EnergyPeriod(.day, containing: "2026-01-15", timeZone: Data.utc)
        // Readings from midnight to 08:00; it is 08:00.
        try await write(store, from: day.start, to: day.start + 8 * Data.hour) { _ in ["load_power_w": 250] }
        let now = Date(storageMilliseconds: day.start + 8 * Data.hour)
        let report = try await EnergyReporter(store: store, timeZone: Data.utc).report(day, now: now)
        let load = try #require(report.site.flows[.load])
        #expect(load.kilowattHours.isClose(to: 2))
        #expect(load.coverage.isClose(to: 1))
        #expect(load.spanMilliseconds == 8 * Data.hour)
        #expect(report.until == now.storageMilliseconds)
        // The hours after now have no bar figures yet.
        #expect(report.bars[7].site.kilowattHours(.load).map { $0.isClose(to: 0.25) } == true)
        #expect(report.bars[8].site.flows.isEmpty)
    }

    @Test func keptDaysOutliveARestartAndLateDataIsStillCounted() async throws {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("heliograph-energy-days-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = EnergyDaysFile(url: directory.appendingPathComponent("energy-days.json"))
        let sqlite = try SQLiteStore(configuration: .init(location: .inMemory, timeZone: Data.utc))
        let store = PointReadCountingStore(sqlite)
        try await store.register(Data.device(fields: [CommonFields.loadPower, CommonFields.pvPower]))
        let month = try EnergyPeriod(.month, containing: "2026-01-15", timeZone: Data.utc)
        for day in month.days.prefix(5) {
            try await write(sqlite, from: day.start, to: day.end - 60_000) { _ in ["load_power_w": 500, "pv_power_w": 100] }
        }
        let now = Date(storageMilliseconds: month.end + Data.hour)
        let first = try await EnergyReporter(store: store, timeZone: Data.utc, daysFile: file).report(month, now: now)
        #expect(FileManager.default.fileExists(atPath: file.url.path))
        // The readings run on across midnight; only day 5's last minute has none.
        #expect(try #require(first.site.kilowattHours(.load)).isClose(to: 5 * 12 - 0.5 / 60))

        // After a restart: every day comes from the file, no point is read, and the answer is the same.
        let restarted = EnergyReporter(store: store, timeZone: Data.utc, daysFile: file)
        #expect(restarted.statistics.keptDeviceDays == 31)
        let readsBefore = store.pointReads
        #expect(try await restarted.report(month, now: now) == first)
        #expect(store.pointReads == readsBefore)

        // Late data for day 20 changes its fingerprint: that day alone is computed again.
        try await write(sqlite, from: month.days[19].start + 10 * Data.hour, to: month.days[19].start + 12 * Data.hour) { _ in ["load_power_w": 1_000] }
        let later = try await restarted.report(month, now: now)
        #expect(store.pointReads == readsBefore + 2)
        #expect(try #require(later.bars[19].site.kilowattHours(.load)).isClose(to: 2))

        // A damaged file is set aside in memory: the days are computed again and the file rewritten.
        try "{ not json".write(to: file.url, atomically: true, encoding: .utf8)
        let damaged = EnergyReporter(store: store, timeZone: Data.utc, daysFile: file)
        #expect(damaged.statistics.daysFileProblem?.contains("not a valid energy days file") == true)
        #expect(try await damaged.report(month, now: now) == later)
        #expect(EnergyReporter(store: store, timeZone: Data.utc, daysFile: file).statistics.keptDeviceDays == 31)
    }

    @Test func fingerprintsAreTheSameInEveryProcess() {
        var hasher = StableHasher()
        hasher.combine("pv_power_w")
        hasher.combine(Int64(1_768_435_200_000))
        hasher.combine(2.5)
        // FNV-1a of these bytes, worked out once: a value from Swift's seeded Hasher would differ per launch.
        #expect(hasher.value == Self.fnv1a(Array("pv_power_w".utf8) + Self.bytes(UInt64(10)) + Self.bytes(UInt64(1_768_435_200_000)) + Self.bytes((2.5).bitPattern)))
    }

    static func bytes(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(14_695_981_039_346_656_037) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
    }
}

/// The SQLite store, counting the full-resolution reads (`points`) the energy reporter makes.
final class PointReadCountingStore: SampleStore {
    let base: SQLiteStore
    private let reads = Mutex(0)
    var pointReads: Int { reads.withLock { $0 } }

    init(_ base: SQLiteStore) { self.base = base }

    var name: String { base.name }
    func write(_ samples: [Sample]) async throws { try await base.write(samples) }
    func register(_ descriptor: DeviceDescriptor) async throws { try await base.register(descriptor) }
    func devices() async throws -> [RegisteredDevice] { try await base.devices() }
    func latestReadings(device: DeviceID) async throws -> LatestReadings? { try await base.latestReadings(device: device) }
    func points(_ series: SeriesKey, from: Date, to: Date) async throws -> [Point] {
        reads.withLock { $0 += 1 }
        return try await base.points(series, from: from, to: to)
    }
    func aggregates(_ series: SeriesKey, from: Date, to: Date, step: Rollup) async throws -> [AggregatePoint] {
        try await base.aggregates(series, from: from, to: to, step: step)
    }
    func dailyEnergy(device: DeviceID, field: FieldID, from: Date, to: Date) async throws -> [DailyEnergy] {
        try await base.dailyEnergy(device: device, field: field, from: from, to: to)
    }
    func series() async throws -> [SeriesKey] { try await base.series() }
    func statistics() async throws -> StoreStatistics { try await base.statistics() }
}
