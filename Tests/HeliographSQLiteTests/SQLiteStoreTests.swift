import Foundation
import GRDB
import HeliographCore
import HeliographStorageBase
import HeliographTesting
import Logging
import Testing

@testable import HeliographSQLite

@Suite("SQLite store")
struct SQLiteStoreTests {
    let directory: URL
    var path: String { directory.appendingPathComponent("history.sqlite").path }
    let key = SeriesKey(device: "inv", field: "ac_voltage_v")
    let start = Date(timeIntervalSince1970: 1_699_999_200)

    init() throws {
        directory = try makeTemporaryDirectory("sqlite-store")
    }

    func open(_ configure: (inout SQLiteStore.Configuration) -> Void = { _ in }) throws -> SQLiteStore {
        var configuration = SQLiteStore.Configuration(path: path)
        configure(&configuration)
        return try SQLiteStore(configuration: configuration, logger: Logger(label: "test"))
    }

    func samples(_ values: [Double], from: Date, every seconds: Double = 10) -> [Sample] {
        values.enumerated().map { Sample(device: key.device, time: from.addingTimeInterval(Double($0.offset) * seconds), values: [key.field: .number($0.element)]) }
    }

    func rowCounts(_ store: SQLiteStore) async throws -> (head: Int, chunks: Int) {
        try await store.database.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM head") ?? -1, try Int.fetchOne(db, sql: "SELECT count(*) FROM chunk") ?? -1)
        }
    }

    @Test func compactionKeepsEveryPointBitExactly() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try open()
        var random = SplitMix64(seed: 5)
        var values = (0..<2_500).map { _ in Double(Int(random.next() % 5_000)) / 10 }
        values[10] = -0.0
        values[11] = .nan
        values[12] = Double(bitPattern: 0x7FF8_0000_0000_00AB)
        values[13] = .infinity
        values[14] = -.infinity
        values[15] = 0.1 + 0.2
        try await store.write(samples(values, from: start, every: 7.001))
        let end = start.addingTimeInterval(3 * 86_400)
        let report = try await store.runMaintenance(now: end)
        #expect(report.compactedPoints == 2_500)
        let counts = try await rowCounts(store)
        #expect(counts.head == 0)
        // 2500 points over ~4.9 hours: one chunk per hour window, at most 1800 points each.
        #expect(counts.chunks >= 5)
        let read = try await store.points(key, from: start, to: end)
        #expect(read.count == values.count)
        #expect(read.map(\.value.bitPattern) == values.map(\.bitPattern))
        #expect(read.map { Int64(($0.time.timeIntervalSince1970 * 1_000).rounded()) } == values.indices.map { 1_699_999_200_000 + Int64($0) * 7_001 })
        // Rollups skip non-finite values.
        let day = try await store.aggregates(key, from: start, to: end, step: .day)
        #expect(day.map(\.count).reduce(0, +) == 2_500 - 4)
    }

    @Test func readsSpanChunksAndHead() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try open { $0.compactionDelay = .zero }
        let values = (0..<720).map { Double($0) }
        // Two hours of points; maintenance "now" at the end of the first hour compacts only that hour.
        try await store.write(samples(values, from: start))
        try await store.runMaintenance(now: start.addingTimeInterval(3_600))
        let counts = try await rowCounts(store)
        #expect(counts.chunks == 1)
        #expect(counts.head == 360)
        let across = try await store.points(key, from: start.addingTimeInterval(3_000), to: start.addingTimeInterval(4_000))
        #expect(across.map(\.value) == Array(300..<400).map(Double.init))
        let minutes = try await store.aggregates(key, from: start, to: start.addingTimeInterval(7_200), step: .minute)
        #expect(minutes.count == 120)
        #expect(minutes[59].last == 359 && minutes[60].min == 360)
    }

    @Test func aFailingBatchLeavesNothingBehind() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try open()
        // The empty device id breaks a schema constraint halfway through the transaction.
        let batch = samples([1, 2], from: start) + [Sample(device: "", time: start, values: ["x_v": 1])]
        let error = await #expect(throws: HeliographError.self) { try await store.write(batch) }
        #expect(error?.code == .storageFailure)
        #expect(try await store.points(key, from: start, to: start.addingTimeInterval(60)).isEmpty)
        #expect(try await store.series().isEmpty)
        #expect(try await store.latest(device: key.device) == nil)
        // The store keeps working, and a series id from the failed batch is not reused from a cache.
        try await store.write(samples([3], from: start))
        #expect(try await store.points(key, from: start, to: start.addingTimeInterval(60)).map(\.value) == [3])
        try store.close()
    }

    @Test func reopeningKeepsEverything() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        var store: SQLiteStore? = try open()
        try await store!.register(DeviceDescriptor(kind: "pi30", id: key.device, manufacturer: "Voltronic", model: "Axpert", fields: []))
        try await store!.write(samples([1, 2, 3], from: start))
        try await store!.write([Sample(device: key.device, time: start, values: ["device_mode": "Line"])])
        try await store!.runMaintenance(now: start.addingTimeInterval(86_400))
        try await store!.write(samples([4], from: start.addingTimeInterval(86_400)))
        try store!.close()
        // Closed stores fail clearly.
        await #expect(throws: HeliographError.self) { try await store!.write(samples([5], from: start)) }
        store = nil
        let reopened = try open()
        #expect(try await reopened.points(key, from: start, to: start.addingTimeInterval(2 * 86_400)).map(\.value) == [1, 2, 3, 4])
        #expect(try await reopened.latest(device: key.device)?.values["device_mode"] == .text("Line"))
        #expect(try await reopened.devices().map(\.descriptor.model) == ["Axpert"])
        try reopened.close()
    }

    @Test func maintenanceWhileWriting() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try open { $0.compactionDelay = .zero }
        let batches = 40
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for batch in 0..<batches {
                    try await store.write(samples((0..<90).map { Double(batch * 90 + $0) }, from: start.addingTimeInterval(Double(batch) * 900)))
                }
            }
            group.addTask {
                for round in 0..<20 {
                    try await store.runMaintenance(now: start.addingTimeInterval(Double(round) * 1_800))
                }
            }
            try await group.waitForAll()
        }
        try await store.runMaintenance(now: start.addingTimeInterval(Double(batches) * 900 + 3_600))
        let read = try await store.points(key, from: start, to: start.addingTimeInterval(Double(batches) * 900))
        #expect(read.map(\.value) == (0..<(batches * 90)).map(Double.init))
        let hours = try await store.aggregates(key, from: start, to: start.addingTimeInterval(Double(batches) * 900), step: .hour)
        #expect(hours.map(\.count).reduce(0, +) == batches * 90)
        #expect(try await rowCounts(store).head == 0)
    }

    @Test func minuteAggregatesOlderThanTheirRetentionComeFromRawPoints() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try open { $0.retention.minuteRollupDays = 1 }
        let old = Date().addingTimeInterval(-10 * 86_400)
        let aligned = Date(timeIntervalSince1970: (old.timeIntervalSince1970 / 60).rounded(.down) * 60)
        try await store.write(samples([1, 2, 3, 10], from: aligned, every: 20))
        try await store.runMaintenance()
        let rollupRows = try await store.database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM rollup_1m") }
        #expect(rollupRows == 0)
        let minutes = try await store.aggregates(key, from: aligned, to: aligned.addingTimeInterval(120), step: .minute)
        #expect(minutes.map(\.count) == [3, 1])
        #expect(minutes.first?.mean == 2)
    }

    @Test func aBadPathIsAClearStorageError() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let blocker = directory.appendingPathComponent("file")
        try Data("x".utf8).write(to: blocker)
        let error = #expect(throws: HeliographError.self) {
            try SQLiteStore(configuration: .init(path: blocker.appendingPathComponent("sub/history.sqlite").path))
        }
        #expect(error?.code == .storageFailure)
        #expect(error?.message.contains("history.sqlite") == true)
        // A file that is not a database.
        let notADatabase = directory.appendingPathComponent("garbage.sqlite")
        try Data(repeating: 0x41, count: 8_192).write(to: notADatabase)
        let garbage = #expect(throws: HeliographError.self) { try SQLiteStore(configuration: .init(path: notADatabase.path)) }
        #expect(garbage?.code == .storageFailure)
        // Bad settings.
        let invalid = #expect(throws: HeliographError.self) {
            try SQLiteStore(configuration: .init(location: .inMemory, retention: .init(rawDays: -1)))
        }
        #expect(invalid?.code == .invalidConfiguration)
    }

    @Test func backupCopiesTheDatabase() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try open()
        try await store.write(samples([7, 8], from: start))
        let copyPath = directory.appendingPathComponent("backup.sqlite").path
        try await store.backup(to: copyPath)
        let copy = try SQLiteStore(configuration: .init(path: copyPath))
        #expect(try await copy.points(key, from: start, to: start.addingTimeInterval(60)).map(\.value) == [7, 8])
        try copy.close()
        try store.close()
    }

    @Test func serviceRunsMaintenanceAndClosesOnCancellation() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try open {
            $0.maintenanceInterval = .milliseconds(20)
            $0.compactionDelay = .zero
        }
        try await store.write(samples((0..<10).map(Double.init), from: start))
        let service = Task { try await store.run() }
        try await eventually(timeout: .seconds(10), "maintenance compacted the head") { try await rowCounts(store).head == 0 }
        service.cancel()
        try await service.value
        await #expect(throws: HeliographError.self) { try await store.points(key, from: start, to: start.addingTimeInterval(100)) }
        // The data survived the close.
        let reopened = try open()
        #expect(try await reopened.points(key, from: start, to: start.addingTimeInterval(100)).count == 10)
        try reopened.close()
    }

    @Test func statisticsCountTheFileAndWAL() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try open()
        try await store.write(samples((0..<100).map(Double.init), from: start))
        let statistics = try await store.statistics()
        let main = try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber
        #expect(statistics.bytesOnDisk > main?.int64Value ?? 0)
        #expect(statistics.points == 100)
        try store.close()
    }
}

@Suite("Daily energy guards")
struct DailyEnergyCalculatorTests {
    let zone = TimeZone(identifier: "UTC")!
    let day: Int64 = 1_700_006_400_000 // 2023-11-15 00:00 UTC

    func counter(_ readings: [(hours: Double, kwh: Double)], rules: EnergyRules = EnergyRules()) -> [DailyEnergy] {
        let points = readings.map { StoredPoint(time: day + Int64($0.hours * 3_600_000), value: $0.kwh) }
        return DailyEnergyCalculator(source: .counter(scale: 1), rules: rules, timeZone: zone).dailyEnergy(points, firstDay: day, end: day + 3 * 86_400_000)
    }

    @Test func plainCounterSumsSteps() {
        #expect(counter([(6, 0), (7, 1.5), (8, 4)]).map(\.kilowattHours) == [4])
    }

    @Test func midnightResetStartsFromZero() {
        let result = counter([(20, 10), (24.01, 0), (30, 2.5)])
        #expect(result.map(\.day) == ["2023-11-15", "2023-11-16"])
        #expect(result.map(\.kilowattHours) == [0, 2.5])
    }

    @Test func resetAtAnotherHourCountsWhatWasCountedSinceTheReset() {
        // Resets at 01:00 and reads 0.3 at the next poll.
        #expect(abs(counter([(0.5, 20), (1.0 + 1.0 / 360, 0.3), (5, 1.3)])[0].kilowattHours - 1.3) < 1e-9)
    }

    @Test func sleepWithZerosDoesNotCountTheLifetimeCounterAgain() {
        // A lifetime counter that reads 0 while the inverter sleeps.
        #expect(counter([(6, 5_000), (18, 5_020), (18.1, 0), (23, 0), (30, 0), (30.01, 5_020), (31, 5_021)]).map(\.kilowattHours) == [20, 1])
    }

    @Test func backwardJitterIsIgnoredAndNotCountedTwice() {
        #expect(abs(counter([(6, 10), (7, 9.95), (8, 10.05), (9, 11)]).map(\.kilowattHours)[0] - 1) < 1e-9)
    }

    @Test func impossibleJumpsAreGlitches() {
        // 6553.5 in a minute is no inverter; going back to 12.1 is not a reset (not near zero).
        let result = counter([(6, 10), (6.02, 6_553.5), (6.04, 12.1), (7, 12.5)])
        #expect(abs(result[0].kilowattHours - 0.4) < 1e-9)
    }

    @Test func wattHourCountersAreScaled() {
        let points = [StoredPoint(time: day, value: 1_000), StoredPoint(time: day + 3_600_000, value: 3_500)]
        let result = DailyEnergyCalculator(source: .counter(scale: 0.001), rules: EnergyRules(), timeZone: zone).dailyEnergy(points, firstDay: day, end: day + 86_400_000)
        #expect(result.map(\.kilowattHours) == [2.5])
    }

    @Test func powerGapsBeyondTheCapAddNothing() {
        let points = [0, 60, 7_200, 7_260].map { StoredPoint(time: day + Int64($0) * 1_000, value: 3_600) }
        let result = DailyEnergyCalculator(source: .power(scale: 0.001), rules: EnergyRules(), timeZone: zone).dailyEnergy(points, firstDay: day, end: day + 86_400_000)
        #expect(result.count == 1)
        #expect(abs(result[0].kilowattHours - 0.12) < 1e-9)
    }

    @Test func unitsComeFromTheDescriptorOrTheSuffix() {
        #expect(DailyEnergyCalculator.Source(unit: nil, field: "pv_energy_today_kwh") == .counter(scale: 1))
        #expect(DailyEnergyCalculator.Source(unit: nil, field: "grid_import_wh") == .counter(scale: 0.001))
        #expect(DailyEnergyCalculator.Source(unit: nil, field: "pv_power_w") == .power(scale: 0.001))
        #expect(DailyEnergyCalculator.Source(unit: .kilowatt, field: "load") == .power(scale: 1))
        #expect(DailyEnergyCalculator.Source(unit: nil, field: "battery_voltage_v") == nil)
    }
}
