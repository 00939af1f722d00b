import Foundation
import HeliographCore
import HeliographDevices
import HeliographEnergy
import HeliographSQLite
import HeliographTesting
import HeliographTools
import HeliographWeather
import HeliographWeb
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// Issue 16 item 9: `heliograph demo` starts with 30 days of believable history, written through the
/// store as the live demo would, so every page (the Energy API included) is full on first look.
@Suite struct DemoHistoryTests {
    static let london = TimeZone(identifier: "Europe/London")!
    /// 2026-12-03 12:00 UTC and 2026-06-21 12:00 UTC: a winter and a summer month before them.
    static let winter = Date(timeIntervalSince1970: 1_796_299_200)
    static let summer = Date(timeIntervalSince1970: 1_782_043_200)

    /// A real SQLite file with the demo's 30 days ending at `end`, written by `DemoHistory`.
    /// The demo stores the last day first and the others newest first (late writes, the slower path);
    /// `newestFirst: false` stores them in order.
    static func history(ending end: Date, newestFirst: Bool = false) async throws -> (store: SQLiteStore, report: DemoHistory.History, directory: URL) {
        let directory = try makeTemporaryDirectory("demo-history")
        let store = try SQLiteStore(configuration: .init(location: .file(directory.appendingPathComponent("h.sqlite").path), timeZone: london, now: { end }))
        let site = DemoSite()
        let history = try await DemoHistory().generate(inverters: [("inverter1", site.simulator(0))], weather: ("weather", site.sky), end: end)
        let took = try await history.write(to: store, days: newestFirst ? history.days.indices.reversed() : Array(history.days.indices))
        print("demo history: \(history.samples) samples made in \(history.generating), stored \(newestFirst ? "newest" : "oldest") first in \(took)")
        return (store, history, directory)
    }

    static func dailyPV(_ store: SQLiteStore, end: Date) async throws -> [Double] {
        try await store.dailyEnergy(device: "inverter1", field: "pv_power_w", from: end.addingTimeInterval(-30 * 86_400), to: end).map(\.kilowattHours)
    }

    @Test("30 days of PV that follows the season with cloudy and clear days, a battery that cycles, a house with evening peaks")
    func historyIsBelievable() async throws {
        let (store, report, directory) = try await Self.history(ending: Self.winter)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(report.samples == 30 * 360 * 2, "one inverter and the weather every 4 minutes")

        // Every day has PV, and it varies as weather does: the sunniest day gives several times the dullest.
        let winterDays = try await Self.dailyPV(store, end: Self.winter)
        #expect(winterDays.count >= 30 && winterDays.count <= 31, "\(winterDays)")
        let full = winterDays.dropFirst().dropLast()  // the first and last local days are partial
        #expect(full.allSatisfy { $0 > 0.2 }, "\(winterDays)")
        #expect(full.max()! > 2.5 * full.min()!, "no clear or dull days: \(winterDays)")
        // Never more than the array would give that day under a clear sky, and the month's mean a realistic
        // 0.5 to 2 kWh per kWp for November at Greenwich.
        let site = DemoSite()
        for (index, kwh) in winterDays.enumerated() {
            let dayStart = Calendar.london.startOfDay(for: Self.winter.addingTimeInterval(Double(index - 30) * 86_400))
            let clear = stride(from: 0.0, to: 86_400, by: 300).map {
                ExpectedOutput.power(arrays: [site.array], at: dayStart.addingTimeInterval($0), latitude: site.latitude, longitude: site.longitude, cloudCoverPct: nil)
            }.reduce(0, +) * 300 / 3_600_000
            #expect(kwh <= clear, "day \(index): \(kwh) kWh, clear sky \(clear) kWh")
        }
        let mean = { (days: [Double]) in days.reduce(0, +) / Double(days.count) }
        #expect((2.5...10).contains(mean(Array(full))), "\(mean(Array(full))) kWh a day from 5 kWp")
        // The same site in June: the sun is higher and up longer.
        let (june, _, juneDirectory) = try await Self.history(ending: Self.summer)
        defer { try? FileManager.default.removeItem(at: juneDirectory) }
        let summerDays = try await Self.dailyPV(june, end: Self.summer)
        #expect(mean(summerDays) > 2.5 * mean(winterDays), "June \(mean(summerDays)) kWh/day, December \(mean(winterDays))")

        // PV only while the sun is up: nothing at 2 a.m., and the most around noon.
        let from = Self.winter.addingTimeInterval(-30 * 86_400)
        let pv = try await store.points(SeriesKey(device: "inverter1", field: "pv_power_w"), from: from, to: Self.winter)
        let hour = { (point: Point) in Calendar.utc.component(.hour, from: point.time) }
        #expect(pv.filter { hour($0) == 2 }.allSatisfy { $0.value == 0 })
        #expect(pv.filter { (11...12).contains(hour($0)) }.map(\.value).max()! > 1_500)

        // The house: evening peak well above the small hours.
        let load = try await store.points(SeriesKey(device: "inverter1", field: "load_power_w"), from: from, to: Self.winter)
        let meanLoad = { (hours: ClosedRange<Int>) in mean(load.filter { hours.contains(hour($0)) }.map(\.value)) }
        #expect(meanLoad(17...19) > 3 * meanLoad(2...4), "evening \(meanLoad(17...19)) W, night \(meanLoad(2...4)) W")
        #expect(meanLoad(7...8) > 1.5 * meanLoad(2...4), "morning \(meanLoad(7...8)) W, night \(meanLoad(2...4)) W")

        // The battery moves with PV minus load, within its limits.
        let soc = try await store.points(SeriesKey(device: "inverter1", field: "battery_soc_pct"), from: from, to: Self.winter).map(\.value)
        #expect(soc.allSatisfy { (0...100).contains($0) })
        #expect(soc.max()! - soc.min()! > 30, "the battery hardly moved: \(soc.min()!)…\(soc.max()!)")
        let charging = try await store.points(SeriesKey(device: "inverter1", field: "battery_power_w"), from: from, to: Self.winter)
        #expect(charging.contains { $0.value > 100 } && charging.contains { $0.value < -100 })

        // Weather from the same sky, and rollups built for the charts.
        let cloud = try await store.points(SeriesKey(device: "weather", field: "cloud_cover_pct"), from: from, to: Self.winter).map(\.value)
        #expect(cloud.count == 30 * 360 && cloud.min()! < 20 && cloud.max()! > 80, "\(cloud.min() ?? -1)…\(cloud.max() ?? -1)")
        let hourly = try await store.aggregates(SeriesKey(device: "inverter1", field: "pv_power_w"), from: from, to: Self.winter, step: .hour)
        #expect(hourly.count == 30 * 24)
        // The live simulator carries on from the history's battery.
        #expect(abs((report.simulators["inverter1"]?.state.stateOfCharge ?? -9) - soc.last!) <= 2, "the reading is whole percent, a step older")
    }

    @Test("GET /api/v1/energy?period=month is full after the backfill, stored newest day first as the demo does")
    func energyMonthIsFull() async throws {
        let (store, _, directory) = try await Self.history(ending: Self.winter, newestFirst: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // As the demo configures it: 2 s polls, the gap limit wide enough for the history's 5-minute steps.
        let reporter = EnergyReporter(store: store, timeZone: Self.london, configuration: .init(gapPolls: 450, pollIntervals: ["inverter1": .seconds(2)]))
        let server = try WebServer(
            configuration: WebConfiguration(host: "127.0.0.1", port: 0),
            dependencies: WebDependencies(store: store, feed: BroadcastLiveFeed(), energy: reporter)
        )
        try await server.makeApplication().test(.live) { client in
            let answer = try await client.execute(uri: "/api/v1/energy?period=month&date=2026-11-20", method: .get) { response in
                (response.status, try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
            }
            #expect(answer.0 == .ok)
            let body = try #require(answer.1)
            let site = try #require((body["site"] as? [String: Any])?["flows"] as? [String: [String: Any]])
            let pv = try #require(site["pv"]?["kwh"] as? Double)
            let load = try #require(site["load"]?["kwh"] as? Double)
            // 4 to 28 November: the history starts on the 3rd.
            #expect(pv > 25 && pv < 28 * 10, "pv \(pv) kWh")
            #expect(load > 28 * 3, "load \(load) kWh")
            let bars = try #require(body["bars"] as? [[String: Any]])
            let sunny = bars.filter { bar in (((bar["site"] as? [String: Any])?["flows"] as? [String: [String: Any]])?["pv"]?["kwh"] as? Double ?? 0) > 0 }
            #expect(sunny.count >= 27, "\(sunny.count) days with PV of \(bars.count)")
        }
    }

    @Test("--speed runs simulated time that many times faster from the start")
    func simulatedClockRunsFaster() {
        let origin = Date(timeIntervalSince1970: 1_796_299_200)
        let wall = Mutex(origin)
        let clock = SimulatedWeatherOptions.clock(origin: origin, speed: 60, now: { wall.withLock { $0 } })
        #expect(clock() == origin)
        wall.withLock { $0 = origin.addingTimeInterval(24 * 60) }
        #expect(clock() == origin.addingTimeInterval(86_400), "24 minutes of wall time are a simulated day at 60×")
    }
}

extension Calendar {
    fileprivate static let utc = Calendar.in(TimeZone(identifier: "UTC")!)
    fileprivate static let london = Calendar.in(DemoHistoryTests.london)

    private static func `in`(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }
}
