import Foundation
import HeliographCore
import HeliographEnergy
import HeliographSQLite
import HeliographTesting
import HeliographWeb
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /api/v1/energy` over a real socket and the real SQLite store, with answers worked out by hand.
@Suite struct EnergyAPITests {
    static let utc = TimeZone(identifier: "UTC")!
    /// 2026-01-15 00:00 UTC, a Thursday.
    static let day = Date(timeIntervalSince1970: 1_768_435_200)

    /// A hybrid inverter on 2026-01-15, read every 10 minutes: PV 1 kW 08:00–16:00 with its lifetime counter
    /// going 100 → 108 kWh; load 500 W all day; the grid +500 W (import) outside 08:00–16:00 and −500 W
    /// (export) inside; the battery idle.
    static func server() async throws -> WebServer {
        let store = try SQLiteStore(configuration: .init(location: .inMemory, timeZone: utc))
        try await store.register(DeviceDescriptor(
            kind: "deye-hybrid", id: "hyb", manufacturer: "Deye", model: "SUN-5K",
            fields: [CommonFields.pvPower, CommonFields.pvEnergyTotal, CommonFields.loadPower, CommonFields.gridPower, CommonFields.batteryPower]
        ))
        var samples: [Sample] = []
        for minute in stride(from: 0, through: 24 * 60, by: 10) {
            let hours = Double(minute) / 60
            let daytime = hours >= 8 && hours < 16
            samples.append(Sample(device: "hyb", time: day.addingTimeInterval(Double(minute) * 60), values: [
                "pv_power_w": .number(daytime ? 1_000 : 0),
                "pv_energy_total_kwh": .number(100 + min(8, max(0, hours - 8))),
                "load_power_w": .number(500),
                "grid_power_w": .number(daytime ? -500 : 500),
                "battery_power_w": .number(0),
            ]))
        }
        try await store.write(samples)
        let reporter = EnergyReporter(
            store: store, timeZone: utc,
            configuration: .init(pollIntervals: ["hyb": .seconds(600)], tariff: Tariff(currency: "GBP", importPrice: 0.30, exportPrice: 0.10))
        )
        return try WebServer(configuration: WebConfiguration(host: "127.0.0.1", port: 0), dependencies: WebDependencies(store: store, feed: BroadcastLiveFeed(), energy: reporter))
    }

    /// Within half a watt-hour: the API rounds kWh to 3 decimals.
    static func isClose(_ value: Any?, _ expected: Double, within tolerance: Double = 0.0005) -> Bool {
        guard let number = value as? Double else { return false }
        return abs(number - expected) <= tolerance
    }

    @Test func aDayHasEveryFlowWithSourceCoverageRatiosAndCost() async throws {
        try await Self.server().makeApplication().test(.live) { client in
            let answer = try await client.json("/api/v1/energy?period=day&date=2026-01-15")
            #expect(answer.status == .ok)
            let body = try #require(answer.json as? [String: Any])
            #expect(body["firstDay"] as? String == "2026-01-15")
            #expect(body["previous"] as? String == "2026-01-14")
            let site = try #require(body["site"] as? [String: Any])
            let flows = try #require(site["flows"] as? [String: [String: Any]])
            func kwh(_ flow: String) -> Double { flows[flow]?["kwh"] as? Double ?? .nan }
            #expect(abs(kwh("pv") - 8) < 1e-6)
            #expect(flows["pv"]?["source"] as? String == "counter")
            #expect(abs(kwh("load") - 12) < 1e-6)
            #expect(flows["load"]?["source"] as? String == "integrated")
            #expect(flows["load"]?["coverage"] as? Double == 1)
            // The sign changes between 07:50 and 08:00 and between 15:50 and 16:00, each crossing zero halfway:
            // each change gives import and export a 5-minute triangle of 500 W instead of a full 10 minutes.
            #expect(abs(kwh("grid_import") - (8 - 1.0 / 24)) <= 0.0005)
            #expect(abs(kwh("grid_export") - (4 - 1.0 / 24)) <= 0.0005)
            #expect(kwh("battery_charge") == 0)
            let ratios = try #require(site["ratios"] as? [String: Double])
            let imported: Double = 8 - 1.0 / 24
            let exported: Double = 4 - 1.0 / 24
            let selfSufficiency: Double = ratios["selfSufficiency"] ?? .nan
            let selfConsumption: Double = ratios["selfConsumption"] ?? .nan
            #expect(abs(selfSufficiency - (1 - imported / 12)) <= 0.00005)
            #expect(abs(selfConsumption - (1 - exported / 8)) <= 0.00005)
            let money = try #require(site["money"] as? [String: Any])
            #expect(money["currency"] as? String == "GBP")
            #expect(Self.isClose(money["cost"], 0.30 * imported))
            #expect(Self.isClose(money["earnings"], 0.10 * exported))
            let devices = try #require(body["devices"] as? [[String: Any]])
            #expect(devices.map { $0["device"] as? String } == ["hyb"])
            // The complete day is kept; /stats says so, with the counter steps skipped in it (none here).
            let stats = try #require(try await client.json("/stats").json as? [String: Any])
            #expect(stats["energy"] as? [String: Int] == ["keptDeviceDays": 1, "skippedCounterSteps": 0])
        }
    }

    @Test func weeksHaveDayBarsYearsMonthBarsAndCSVHasARowPerFlow() async throws {
        try await Self.server().makeApplication().test(.live) { client in
            let week = try #require(try await client.json("/api/v1/energy?period=week&date=2026-01-15").json as? [String: Any])
            let bars = try #require(week["bars"] as? [[String: Any]])
            #expect(bars.map { $0["key"] as? String } == ["2026-01-12", "2026-01-13", "2026-01-14", "2026-01-15", "2026-01-16", "2026-01-17", "2026-01-18"])
            let thursday = try #require((bars[3]["site"] as? [String: Any])?["flows"] as? [String: [String: Any]])
            #expect(Self.isClose(thursday["pv"]?["kwh"], 8))
            // Monday has no data: nothing known, not zero.
            let monday = try #require((bars[0]["site"] as? [String: Any])?["flows"] as? [String: [String: Any]])
            #expect(monday["pv"]?["source"] as? String == "none")
            #expect(monday["pv"]?["kwh"] == nil)

            let year = try #require(try await client.json("/api/v1/energy?period=year&date=2026-01-15").json as? [String: Any])
            #expect((year["bars"] as? [[String: Any]])?.count == 12)
            #expect((year["bars"] as? [[String: Any]])?.first?["key"] as? String == "2026-01")

            let csv = try await client.json("/api/v1/energy?period=day&date=2026-01-15&format=csv")
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            let lines = csv.text.split(separator: "\n").map(String.init)
            #expect(lines.first == "scope,key,flow,kwh,source,coverage,unknown_hours,skipped_counter_steps")
            #expect(lines.contains("site,2026-01-15,pv,8,counter,1,0,0"))
            #expect(lines.contains("device,hyb,load,12,integrated,1,0,0"))
        }
    }

    @Test(arguments: [
        ("period=fortnight", "period must be day, week, month or year"),
        ("date=2026-02-30", "YYYY-MM-DD"),
        ("date=15/01/2026", "YYYY-MM-DD"),
        ("format=xml", "format must be json or csv"),
    ])
    func badParametersAreA400SayingWhatIsWrong(_ query: String, _ message: String) async throws {
        try await Self.server().makeApplication().test(.live) { client in
            let answer = try await client.json("/api/v1/energy?\(query)")
            #expect(answer.status == .badRequest)
            let error = try #require((answer.json as? [String: Any])?["error"] as? [String: Any])
            #expect((error["message"] as? String)?.contains(message) == true, "\(answer.text)")
        }
    }
}
