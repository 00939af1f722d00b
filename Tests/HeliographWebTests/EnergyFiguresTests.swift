import Foundation
import HeliographCore
import HeliographEnergy
import HeliographSQLite
import HeliographTesting
import Hummingbird
import HummingbirdTesting
import Testing

@testable import HeliographWeb

/// How the energy API prints its figures: watt-hours, no exponent, no `-0`; the hour bars of a day;
/// and coverage while the period is still running.
@Suite struct EnergyFiguresTests {
    @Test func tinyFiguresAreRoundedToTheWattHourWithoutExponentOrSign() async throws {
        let store = try SQLiteStore(configuration: .init(location: .inMemory, timeZone: EnergyAPITests.utc))
        try await store.register(DeviceDescriptor(kind: "sensor", id: "plug", manufacturer: "Test", model: "T", fields: [CommonFields.loadPower]))
        // 0.06 W for ten minutes: 0.00001 kWh, which Swift prints as 1e-05.
        let samples = (0...10).map { minute in
            Sample(device: "plug", time: EnergyAPITests.day.addingTimeInterval(12 * 3_600 + Double(minute) * 60), values: ["load_power_w": .number(0.06)])
        }
        try await store.write(samples)
        let reporter = EnergyReporter(store: store, timeZone: EnergyAPITests.utc, configuration: .init(tariff: Tariff(currency: "EUR", importPrice: 0.3, exportPrice: 0.1)))
        let server = try WebServer(
            configuration: WebConfiguration(host: "127.0.0.1", port: 0), dependencies: WebDependencies(store: store, feed: BroadcastLiveFeed(), energy: reporter))
        try await server.makeApplication().test(.live) { client in
            let json = try await client.json("/api/v1/energy?period=day&date=2026-01-15")
            #expect(json.status == .ok)
            #expect(!json.text.contains("e-"), "an exponent in \(json.text.prefix(400))")
            #expect(!json.text.contains(":-0"), "a negative zero in \(json.text.prefix(400))")
            let load = try #require(((json.json as? [String: Any])?["site"] as? [String: Any])?["flows"] as? [String: [String: Any]])["load"]
            #expect(load?["kwh"] as? Double == 0)
            #expect(load?["coverage"] as? Double == 0.0069)
            let csv = try await client.json("/api/v1/energy?period=day&date=2026-01-15&format=csv")
            #expect(!csv.text.contains("e-"), "\(csv.text)")
            #expect(csv.text.contains("site,2026-01-15,load,0,integrated,0.0069,23.833,0"))
        }
        // Savings of a sliver below zero print as 0, not -0.
        let money = EnergyResource.Figures(EnergyFigures(spanMilliseconds: 1), money: EnergyMoney(currency: "EUR", cost: 0.00002, earnings: 0, savings: -0.00002))
        let text = String(decoding: try JSONEncoder().encode(money.money), as: UTF8.self)
        #expect(text.contains("\"savings\":0") && !text.contains(":-0") && !text.contains("e-"), "\(text)")
    }

    @Test func aDayHasAnHourBarEachWithItsEnergy() async throws {
        try await EnergyAPITests.server().makeApplication().test(.live) { client in
            let day = try #require(try await client.json("/api/v1/energy?period=day&date=2026-01-15").json as? [String: Any])
            let bars = try #require(day["bars"] as? [[String: Any]])
            #expect(bars.count == 24)
            #expect(bars[8]["key"] as? String == "2026-01-15T08:00+00:00")
            func pv(_ bar: [String: Any]) -> Double? { ((bar["site"] as? [String: Any])?["flows"] as? [String: [String: Any]])?["pv"]?["kwh"] as? Double }
            // The counter rises a kWh an hour from 08:00 to 16:00.
            #expect(bars.map { pv($0) ?? -1 } == (0..<24).map { (8..<16).contains($0) ? 1 : 0 })
            #expect(day["complete"] as? Bool == true)
            #expect(day["elapsedHours"] as? Double == 24)
        }
    }

    @Test func aRunningDaySaysItsCoverageIsOfTheElapsedHours() async throws {
        let store = try SQLiteStore(configuration: .init(location: .inMemory, timeZone: EnergyAPITests.utc))
        try await store.register(DeviceDescriptor(kind: "sensor", id: "meter", manufacturer: "Test", model: "T", fields: [CommonFields.loadPower]))
        let start = EnergyAPITests.day
        try await store.write((0...90).map { Sample(device: "meter", time: start.addingTimeInterval(Double($0) * 300), values: ["load_power_w": 400]) })
        let period = try EnergyPeriod(.day, containing: "2026-01-15", timeZone: EnergyAPITests.utc)
        // 07:30, the last reading's time.
        let report = try await EnergyReporter(store: store, timeZone: EnergyAPITests.utc).report(period, now: start.addingTimeInterval(7.5 * 3_600))
        let resource = EnergyResource(report, date: "2026-01-15")
        #expect(resource.complete == false)
        #expect(resource.elapsedHours == 7.5)
        #expect(resource.site.flows["load"]?.coverage == 1)
        #expect(resource.site.flows["load"]?.kwh == 3)
    }
}
