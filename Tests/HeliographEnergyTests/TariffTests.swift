import Foundation
import HeliographConfigFile
import HeliographCore
import HeliographSQLite
import HeliographStorageBase
import Testing
import Yams

@testable import HeliographEnergy

@Suite("Tariff, cost and ratios")
struct TariffTests {
    typealias Data = EnergyTestData

    func parse(_ yaml: String) throws -> (Tariff?, [ConfigurationProblem]) {
        let problems = ConfigurationSection.Problems()
        let root = ConfigurationSection(path: "", node: try Yams.compose(yaml: yaml), environment: [:], problems: problems)
        return (Tariff.parse(root.section("tariff")), problems.list)
    }

    @Test func aTariffWithAnOvernightWindowIsRead() throws {
        let (tariff, problems) = try parse("""
            tariff:
              currency: GBP
              import_price: 0.30
              export_price: 0.15
              windows:
                - name: night
                  start: "23:30"
                  end: "05:30"
                  import_price: 0.07
            """)
        #expect(problems.isEmpty)
        let parsed = try #require(tariff)
        #expect(parsed.windows == [Tariff.Window(name: "night", start: 23 * 60 + 30, end: 5 * 60 + 30, importPrice: 0.07)])
        #expect(parsed.prices(atMinute: 0) == (0.07, 0.15))
        #expect(parsed.prices(atMinute: 12 * 60) == (0.30, 0.15))
    }

    @Test func noSectionIsNoTariff() throws {
        let (tariff, problems) = try parse("site:\n  name: Home\n")
        #expect(tariff == nil)
        #expect(problems.isEmpty)
    }

    @Test func problemsNameTheKeyAndLine() throws {
        let (_, problems) = try parse("""
            tariff:
              currency: GBP
              import_price: 0.30
              windows:
                - start: "7:00"
                  end: "09:00"
                  import_price: 0.5
                - start: "08:00"
                  end: "10:00"
                  import_price: 0.5
                - start: "12:00"
                  end: "14:00"
                  import_price: 0.5
                - start: "13:00"
                  end: "15:00"
                  export_price: 0.2
                  colour: red
            """)
        let byKey = Dictionary(grouping: problems, by: \.key)
        #expect(byKey["tariff.windows[0].start"]?.first?.line == 5)
        #expect(byKey["tariff.windows[0].start"]?.first?.message.contains("HH:MM") == true)
        #expect(byKey["tariff.windows[3]"]?.first?.message.contains("overlaps window 'window 3'") == true)
        #expect(byKey["tariff.windows[3].colour"]?.first?.line == 17)
        #expect(problems.count == 3)
    }

    @Test func aMissingImportPriceIsAProblem() throws {
        let (tariff, problems) = try parse("tariff:\n  currency: EUR\n  export_price: 0.08\n")
        #expect(tariff == nil)
        #expect(problems.map(\.message) == ["needs import_price (per kWh), e.g. import_price: 0.25"])
        #expect(problems.first?.line == 1)
    }

    @Test func costEarningsSavingsAndRatiosOfADay() async throws {
        // Base 0.30 import / 0.10 export; 00:30–04:30 imports at 0.10.
        let tariff = Tariff(currency: "GBP", importPrice: 0.30, exportPrice: 0.10, windows: [.init(name: "night", start: 30, end: 270, importPrice: 0.10)])
        let store = try SQLiteStore(configuration: .init(location: .inMemory, timeZone: Data.utc))
        try await store.register(Data.device(fields: [CommonFields.pvPower, CommonFields.loadPower, CommonFields.gridPower]))
        let grid: [(Double, Double)] = [(0, 2_000), (2, 2_000), (3, 0), (12, 0), (13, -1_000), (14, -1_000), (15, 0), (24, 0)]
        let pv: [(Double, Double)] = [(6, 0), (10, 0), (12, 3_000), (14, 0), (18, 0)]
        var samples = grid.map { Sample(device: "inv", time: Date(storageMilliseconds: Data.at($0.0, 0).time), values: ["grid_power_w": .number($0.1)]) }
        samples += pv.map { Sample(device: "inv", time: Date(storageMilliseconds: Data.at($0.0, 0).time), values: ["pv_power_w": .number($0.1)]) }
        samples += (0...24).map { Sample(device: "inv", time: Date(storageMilliseconds: Data.at(Double($0), 0).time), values: ["load_power_w": .number(500)]) }
        try await store.write(samples)
        let day = try EnergyPeriod(.day, containing: "2026-01-15", timeZone: Data.utc)
        // Readings up to 9 hours apart are trusted: a 2-hour poll interval, 5 polls.
        let configuration = EnergyReporter.Configuration(pollIntervals: ["inv": .seconds(7_200)], tariff: tariff)
        let report = try await EnergyReporter(store: store, timeZone: Data.utc, configuration: configuration).report(day, now: Date(storageMilliseconds: day.end + 1))
        // Import: 1 kWh before 00:30 at 0.30, 3 + 1 (the ramp down) in the window at 0.10.
        #expect(try #require(report.site.kilowattHours(.gridImport)).isClose(to: 5))
        #expect(try #require(report.site.kilowattHours(.gridExport)).isClose(to: 2))
        #expect(try #require(report.site.kilowattHours(.load)).isClose(to: 12))
        #expect(try #require(report.site.kilowattHours(.pv)).isClose(to: 6))
        let money = try #require(report.money)
        #expect(money.cost.isClose(to: 0.30 + 0.40))
        #expect(money.earnings.isClose(to: 0.20))
        // The load from the grid alone: 0.25 kWh × 0.30 + 2 kWh × 0.10 + 9.75 kWh × 0.30 = 3.20.
        #expect(money.savings.isClose(to: 3.20 - 0.70 + 0.20))
        #expect(money.currency == "GBP")
        // A day has an hour bar each; the night window starts inside the first hour, which pays
        // 1 kWh at 0.30 and 1 kWh at 0.10. The hours add up to the day.
        #expect(report.bars.count == 24)
        #expect(try #require(report.bars[0].money).cost.isClose(to: 0.30 + 0.10))
        let hourlyCost = report.bars.reduce(0.0) { $0 + ($1.money?.cost ?? 0) }
        let hourlySavings = report.bars.reduce(0.0) { $0 + ($1.money?.savings ?? 0) }
        #expect(hourlyCost.isClose(to: money.cost))
        #expect(hourlySavings.isClose(to: money.savings))
        #expect(try #require(report.ratios.selfSufficiency).isClose(to: 1 - 5.0 / 12))
        #expect(try #require(report.ratios.selfConsumption).isClose(to: 1 - 2.0 / 6))
    }

    @Test func ratiosAreClampedAndNilWithoutADenominator() {
        let span: Int64 = 3_600_000
        func energy(_ kwh: Double) -> FlowEnergy { FlowEnergy(kilowattHours: kwh, source: .integrated, coveredMilliseconds: span, spanMilliseconds: span) }
        // Charging the battery from the grid: more import than load.
        let ratios = EnergyRatios(EnergyFigures(flows: [.gridImport: energy(5), .load: energy(2), .gridExport: energy(0)], spanMilliseconds: span))
        #expect(ratios.selfSufficiency == 0)
        #expect(ratios.selfConsumption == nil)
    }

    @Test func windowEdgesOnASpringForwardDayFallOnClockTimesThatExist() throws {
        let london = TimeZone(identifier: "Europe/London")!
        let tariff = Tariff(currency: "GBP", importPrice: 0.3, windows: [.init(name: "night", start: 30, end: 90, importPrice: 0.1)])
        let day = try EnergyPeriod(.day, containing: "2026-03-29", timeZone: london)
        let cuts = tariff.cuts(dayStart: day.start, end: day.end, calendar: EnergyPeriod.calendar(london))
        // 00:30 GMT exists; 01:30 does not (clocks jump 01:00 → 02:00), so the window ends at 02:00 BST = 01:00 UTC.
        #expect(cuts == [day.start + 1_800_000, day.start + 3_600_000])
    }
}
