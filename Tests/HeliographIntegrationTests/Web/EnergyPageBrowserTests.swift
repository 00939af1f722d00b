import Foundation
import HeliographCore
import HeliographEnergy
import HeliographSQLite
import HeliographTesting
import HeliographWeb
import Hummingbird
import HummingbirdTesting
import Testing

/// The Energy page and the dashboard's today-kWh in real headless Chromium (Tests/Browser/energy_test.py),
/// against two servers over the same hand-computed day: one with a tariff, one without.
@Suite(.serialized) struct EnergyPageBrowserTests {
    static let utc = TimeZone(identifier: "UTC")!
    /// 2026-01-15 00:00 UTC, a Thursday.
    static let day = Date(timeIntervalSince1970: 1_768_435_200)

    /// What the page must show for 2026-01-15, worked out by hand from `store()`'s readings:
    /// - PV: the lifetime counter goes 100 → 108 kWh between 08:00 and 16:00: 8 kWh.
    /// - load: 500 W for 24 h: 12 kWh.
    /// - grid: +500 W outside 08:00–16:00, −500 W inside, read every 10 minutes; each sign change crosses
    ///   zero halfway, so import and export lose a 5-minute triangle of 500 W at each change:
    ///   import 8 − 2 × 1/48 = 7.958 kWh, export 4 − 2 × 1/48 = 3.958 kWh.
    /// - battery: +500 W 10:00–12:00 (charge) and −500 W 18:00–20:00 (discharge), ramping over one
    ///   reading each way: 1 kWh each.
    /// - self-sufficiency 1 − 7.958/12 = 33.7 %, self-consumption 1 − 3.958/8 = 50.5 %.
    /// - at 0.30 import and 0.10 export: cost 2.3875, earnings 0.3958, savings 12 × 0.30 − 2.3875 + 0.3958 = 1.6083.
    static var expected: [String: Any] {
        let imported = 8 - 1.0 / 24
        let exported = 4 - 1.0 / 24
        return [
            "date": "2026-01-15",
            "flows": ["pv": 8.0, "load": 12.0, "grid_import": imported, "grid_export": exported, "battery_charge": 1.0, "battery_discharge": 1.0],
            "sources": ["pv": "counter", "load": "integrated", "grid_import": "integrated", "battery_charge": "integrated"],
            "ratios": ["self-sufficiency": 1 - imported / 12, "self-consumption": 1 - exported / 8],
            "money": ["cost": 0.30 * imported, "earnings": 0.10 * exported, "savings": 12 * 0.30 - 0.30 * imported + 0.10 * exported],
        ]
    }

    /// The day above, plus today's last two hours (PV 1 kW, load 500 W, export 200 W, charging 300 W)
    /// for the dashboard's power flow.
    static func store() async throws -> SQLiteStore {
        let store = try SQLiteStore(configuration: .init(location: .inMemory, timeZone: utc))
        try await store.register(DeviceDescriptor(
            kind: "deye-hybrid", id: "hyb", name: "Hybrid inverter", manufacturer: "Deye", model: "SUN-5K",
            fields: [CommonFields.pvPower, CommonFields.pvEnergyTotal, CommonFields.loadPower, CommonFields.gridPower, CommonFields.batteryPower, CommonFields.batterySOC]
        ))
        var samples: [Sample] = []
        for minute in stride(from: 0, through: 24 * 60, by: 10) {
            let hours = Double(minute) / 60
            let daytime = hours >= 8 && hours < 16
            let battery: Double = (10..<12).contains(hours) ? 500 : (18..<20).contains(hours) ? -500 : 0
            samples.append(Sample(device: "hyb", time: day.addingTimeInterval(Double(minute) * 60), values: [
                "pv_power_w": .number(daytime ? 1_000 : 0), "pv_energy_total_kwh": .number(100 + min(8, max(0, hours - 8))),
                "load_power_w": 500, "grid_power_w": .number(daytime ? -500 : 500), "battery_power_w": .number(battery), "battery_soc_pct": 60,
            ]))
        }
        let now = Date()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utc
        let start = max(calendar.startOfDay(for: now), now.addingTimeInterval(-7_200))
        for time in stride(from: start.timeIntervalSince1970, through: now.timeIntervalSince1970, by: 60) {
            samples.append(Sample(device: "hyb", time: Date(timeIntervalSince1970: time), values: [
                "pv_power_w": 1_000, "load_power_w": 500, "grid_power_w": -200, "battery_power_w": 300, "battery_soc_pct": 70,
            ]))
        }
        try await store.write(samples)
        return store
    }

    static func server(tariff: Tariff?) async throws -> WebServer {
        let store = try await store()
        let reporter = EnergyReporter(store: store, timeZone: utc, configuration: .init(pollIntervals: ["hyb": .seconds(600)], tariff: tariff))
        return try WebServer(
            configuration: WebConfiguration(host: "127.0.0.1", port: 0), dependencies: WebDependencies(store: store, feed: BroadcastLiveFeed(), energy: reporter))
    }

    @Test(.enabled(if: ExternalToolTests.hasBrowser || isCI, "needs chromium, chromium-driver and selenium (scripts/test-deps.d/web.sh)"))
    func energyPageShowsTheHandComputedDayInHeadlessChromium() async throws {
        try #require(ExternalToolTests.hasBrowser, "chromium, chromium-driver or selenium missing: run scripts/test-deps.d/web.sh")
        let expected = String(decoding: try JSONSerialization.data(withJSONObject: Self.expected, options: [.sortedKeys]), as: UTF8.self)
        let priced = try await Self.server(tariff: Tariff(currency: "GBP", importPrice: 0.30, exportPrice: 0.10))
        let unpriced = try await Self.server(tariff: nil)
        try await priced.makeApplication().test(.live) { withTariff in
            try await unpriced.makeApplication().test(.live) { withoutTariff in
                let (status, output) = try await ExternalToolTests.run(
                    ["python3", ExternalToolTests.packageRoot.appendingPathComponent("Tests/Browser/energy_test.py").path,
                     "--url", "http://127.0.0.1:\(try #require(withTariff.port))",
                     "--url-without-tariff", "http://127.0.0.1:\(try #require(withoutTariff.port))",
                     "--expected", expected,
                     "--artifacts", ExternalToolTests.packageRoot.appendingPathComponent("artifacts/browser-energy").path]
                )
                #expect(status == 0, "energy page browser test failed:\n\(output)")
                #expect(output.contains(" 0 failed"))
            }
        }
    }
}
