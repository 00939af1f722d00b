import Foundation
import HeliographCore
import HeliographEnergy
import HeliographPrometheus
import HeliographSQLite
import HeliographTesting
import Logging
import Prometheus
import ServiceLifecycleTestKit
import Synchronization
import Testing

@testable import HeliographApp

/// The daemon's lifetime energy totals over a real SQLite history: late data that lowers a day,
/// a restart from the kept file, the last round at shutdown, and the Prometheus counters they feed.
@Suite struct EnergyTotalsServiceTests {
    /// 2026-01-15 00:00 UTC.
    static let day: Int64 = 1_768_435_200_000
    static let hour: Int64 = 3_600_000
    static let utc = TimeZone(identifier: "UTC")!

    /// 09:00 on that day.
    static let nine = day + 9 * hour

    /// A PV inverter polled every minute, in an in-memory history, and a totals file in a fresh directory (the caller removes it).
    func history() async throws -> (SQLiteStore, EnergyTotalsFile, URL) {
        let store = try SQLiteStore(configuration: .init(location: .inMemory, timeZone: Self.utc))
        try await store.register(DeviceDescriptor(kind: "deye-hybrid", id: "inv", manufacturer: "Test", model: "T", fields: [CommonFields.pvPower]))
        let directory = try makeTemporaryDirectory("energy-totals")
        return (store, EnergyTotalsFile(besideStorage: directory.appendingPathComponent("heliograph.sqlite").path), directory)
    }

    /// `watts` every minute from `from` to `to` (ms, both included), leaving out the minutes in `skipping`.
    func write(_ store: SQLiteStore, watts: Double, from: Int64, to: Int64, skipping: Set<Int64> = []) async throws {
        let samples = stride(from: from, through: to, by: 60_000).filter { !skipping.contains($0) }.map {
            Sample(device: "inv", time: Date(storageMilliseconds: $0), values: ["pv_power_w": .number(watts)])
        }
        try await store.write(samples)
    }

    func service(_ store: SQLiteStore, file: EnergyTotalsFile, at time: Int64, interval: Duration = .seconds(60), publish: @escaping EnergyTotalsService.Publisher)
        -> EnergyTotalsService
    {
        let reporter = EnergyReporter(store: store, timeZone: Self.utc, configuration: .init(pollIntervals: ["inv": .seconds(60)]))
        return EnergyTotalsService(
            reporter: reporter, file: file, interval: interval, now: { Date(storageMilliseconds: time) }, publishers: [publish], logger: Logger(label: "energy"))
    }

    /// The value of `heliograph_energy_pv_kwh_total` in the counters' exposition.
    static func pvCounter(_ counters: EnergyCounters) -> Double? {
        let line = counters.registry.emitToString().split(separator: "\n").first { $0.hasPrefix("heliograph_energy_pv_kwh_total ") }
        return line?.split(separator: " ").last.flatMap { Double(String($0)) }
    }

    /// What the service published, round by round.
    final class Recorded: Sendable {
        let rounds = Mutex<[EnergyTotals]>([])
    }

    @Test func aDayRecomputedLowerLeavesTheTotalAndARestartKeepsIt() async throws {
        let (store, file, directory) = try await history()
        defer { try? FileManager.default.removeItem(at: directory) }
        // 2 kW from 09:00 to 10:00 with the 09:30 reading missing: the 2-minute gap is within 5 polls, so 2 kWh.
        try await write(store, watts: 2_000, from: Self.nine, to: Self.nine + Self.hour, skipping: [Self.nine + 30 * 60_000])
        let counters = EnergyCounters()
        let noon = Self.day + 12 * Self.hour
        let first = service(store, file: file, at: noon) { counters.advance(to: $0) }
        let counted = await first.update(file.load().totals)
        #expect(try #require(counted.total(.pv)).isClose(to: 2))

        // Restart: a new service (and new counters) reads what the first one kept.
        let (reloaded, problem) = file.load()
        #expect(problem == nil)
        #expect(reloaded == counted)
        let restartedCounters = EnergyCounters()
        let second = service(store, file: file, at: noon) { restartedCounters.advance(to: $0) }
        // The edge delivers the missing 09:30 reading late: 0 W, so the day falls by 1/30 kWh …
        try await write(store, watts: 0, from: Self.nine + 30 * 60_000, to: Self.nine + 30 * 60_000)
        let recomputed = try await EnergyReporter(store: store, timeZone: Self.utc).report(
            try EnergyPeriod(.day, containing: "2026-01-15", timeZone: Self.utc), now: Date(storageMilliseconds: noon))
        #expect(try #require(recomputed.site.kilowattHours(.pv)).isClose(to: 2 - 1.0 / 30))
        // … and the total stays where it was.
        let afterLateData = await second.update(reloaded)
        #expect(try #require(afterLateData.total(.pv)).isClose(to: 2))

        // The next day's 1 kWh adds on top; the lowered day still adds nothing.
        let nextNoon = noon + 24 * Self.hour
        try await write(store, watts: 1_000, from: Self.nine + 24 * Self.hour, to: Self.nine + 25 * Self.hour)
        let nextDay = await service(store, file: file, at: nextNoon) { restartedCounters.advance(to: $0) }.update(afterLateData)
        #expect(try #require(nextDay.total(.pv)).isClose(to: 3))
        #expect(file.load().totals == nextDay)

        // The restarted counters start at the kept total, not at zero, and reach 3.
        #expect(restartedCounters.registry.emitToString().contains("# TYPE heliograph_energy_pv_kwh_total counter"))
        #expect(try #require(Self.pvCounter(restartedCounters)).isClose(to: 3))
        #expect(try #require(Self.pvCounter(counters)).isClose(to: 2))
    }

    @Test func theTotalsArePublishedWhenTheServiceStartsAndOnceMoreAtShutdown() async throws {
        let (store, file, directory) = try await history()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await write(store, watts: 3_000, from: Self.nine, to: Self.nine + Self.hour)
        let published = Recorded()
        // An hour between rounds: the second publish can only be the one at shutdown.
        let service = service(store, file: file, at: Self.day + 12 * Self.hour, interval: .seconds(3_600)) { totals in
            published.rounds.withLock { $0.append(totals) }
        }
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                try await eventually(timeout: .seconds(60), "the first round") { published.rounds.withLock { !$0.isEmpty } }
                #expect(try #require(published.rounds.withLock { $0.first }?.total(.pv)).isClose(to: 3))
                // More PV arrives; shutdown counts it without waiting for the next round.
                try await write(store, watts: 3_000, from: Self.nine + Self.hour + 60_000, to: Self.nine + 2 * Self.hour)
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        let rounds = published.rounds.withLock { $0 }
        #expect(rounds.count == 2)
        let last = try #require(rounds.last)
        #expect(try #require(last.total(.pv)).isClose(to: 6))
        #expect(file.load().totals == last)
    }

    @Test func metricsServeACounterPerKnownFlowThatPromtoolAccepts() async throws {
        var totals = EnergyTotals()
        totals.record(day: "2026-01-15", figures: [.pv: 12.5, .gridImport: 1.25, .batteryDischarge: 0])
        let counters = EnergyCounters()
        counters.advance(to: totals)
        // Totals lower than the counters (a lost totals file) leave them where they are.
        counters.advance(to: EnergyTotals())
        var lower = EnergyTotals()
        lower.record(day: "2026-01-16", figures: [.pv: 3])
        counters.advance(to: lower)
        let exporter = PrometheusExporter(instruments: PrometheusCollectorRegistry(), fields: nil, energy: counters, build: .init(version: "9.9.9")) {
            PrometheusExporter.Snapshot()
        }
        let exposition = await exporter.exposition()
        let text = String(decoding: exposition, as: UTF8.self)
        #expect(text.contains("# TYPE heliograph_energy_pv_kwh_total counter"), "\(text)")
        #expect(text.contains("heliograph_energy_pv_kwh_total 12.5"))
        #expect(text.contains("heliograph_energy_grid_import_kwh_total 1.25"))
        #expect(text.contains("heliograph_energy_battery_discharge_kwh_total 0"))
        #expect(!text.contains("heliograph_energy_load_kwh_total"), "no data for load, no counter")
        if let promtool = Promtool.path {
            let (status, output) = try await Promtool.check(exposition, promtool: promtool)
            #expect(status == 0, "\(output)")
        }
    }
}

extension Double {
    fileprivate func isClose(to other: Double, within tolerance: Double = 1e-6) -> Bool { abs(self - other) <= tolerance }
}
