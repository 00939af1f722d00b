import Foundation
import HeliographCore
import Testing

@testable import HeliographAutomation

@Suite("Rule conditions")
struct ConditionTests {
    @Test("Parses fields, numbers, sums and every comparison")
    func parses() throws {
        let c = try Condition.parse("inverter.pv_power_w  >  inverter.load_power_w + 1500")
        #expect(c.comparison == .greater)
        #expect(c.fields == [SeriesKey(device: "inverter", field: "pv_power_w"), SeriesKey(device: "inverter", field: "load_power_w")])
        #expect(c.text == "inverter.pv_power_w > inverter.load_power_w + 1500")
        #expect(try Condition.parse("a.x >= 1").comparison == .greaterOrEqual)
        #expect(try Condition.parse("a.x<=1").comparison == .lessOrEqual)
        #expect(try Condition.parse("a.x == 1").comparison == .equal)
        #expect(try Condition.parse("a.x != 1").comparison == .notEqual)
        #expect(try Condition.parse("grid-meter.grid_power_w < -500").comparison == .less)
        #expect(try Condition.parse("- a.x > 5").left.terms.first?.negative == true)
    }

    @Test("Evaluates with the values seen in the explanation; a missing value decides nothing")
    func evaluates() throws {
        let c = try Condition.parse("inverter.pv_power_w > inverter.load_power_w + 1500")
        let values: [SeriesKey: Double] = [.init(device: "inverter", field: "pv_power_w"): 4_000, .init(device: "inverter", field: "load_power_w"): 2_000]
        let outcome = c.evaluate { values[$0] }
        #expect(outcome.holds == true)
        #expect(outcome.explanation == "inverter.pv_power_w = 4000 > inverter.load_power_w + 1500 = 3500")
        let soc = try Condition.parse("inverter.battery_soc_pct > 90")
        #expect(soc.evaluate { _ in 92.5 }.explanation == "inverter.battery_soc_pct 92.5 > 90")
        #expect(soc.evaluate { _ in 80 }.holds == false)
        let missing = soc.evaluate { _ in nil }
        #expect(missing.holds == nil)
        #expect(missing.explanation.contains("no current value of inverter.battery_soc_pct"))
    }

    @Test("Bad conditions are refused with a clear message", arguments: ["", "inverter.battery_soc_pct", "90 > 80", "soc > 90", "a.x > ", "a.x > 1 +", "a.x > 1 2", "a.x.y > 1", "A B.x > 1"])
    func refuses(_ text: String) {
        #expect(throws: HeliographError.self) { try Condition.parse(text) }
    }

    @Test("Time windows, also over midnight")
    func windows() throws {
        let utc = TimeZone(identifier: "UTC")!
        let day = try TimeWindow.parse("10:00-16:00")
        let night = try TimeWindow.parse("22:00 - 06:30")
        func at(_ hour: Double) -> Date { Date(timeIntervalSince1970: 1_782_000_000 + hour * 3_600) }
        #expect(day.contains(at(10), timeZone: utc) && day.contains(at(15.99), timeZone: utc))
        #expect(!day.contains(at(16), timeZone: utc) && !day.contains(at(9.99), timeZone: utc))
        #expect(night.contains(at(23), timeZone: utc) && night.contains(at(6.4), timeZone: utc) && !night.contains(at(12), timeZone: utc))
        // In London (BST, UTC+1) 10:00 local is 09:00 UTC.
        #expect(day.contains(at(9), timeZone: TimeZone(identifier: "Europe/London")!))
        #expect(throws: HeliographError.self) { try TimeWindow.parse("10-16") }
        #expect(throws: HeliographError.self) { try TimeWindow.parse("10:00-10:00") }
    }
}
