import Foundation
import HeliographCore
import Testing

@testable import HeliographEnergy

@Suite("Energy periods in the site's time zone")
struct EnergyPeriodTests {
    let london = TimeZone(identifier: "Europe/London")!
    let berlin = TimeZone(identifier: "Europe/Berlin")!

    @Test func springForwardDayLasts23HoursAndFallBackDay25() throws {
        let spring = try EnergyPeriod(.day, containing: "2026-03-29", timeZone: london)
        #expect(spring.end - spring.start == 23 * 3_600_000)
        let autumn = try EnergyPeriod(.day, containing: "2026-10-25", timeZone: berlin)
        #expect(autumn.end - autumn.start == 25 * 3_600_000)
        // Berlin's fall-back day starts at 00:00 CEST = 22:00 UTC the day before.
        #expect(autumn.start == 1_792_879_200_000)
        #expect(spring.days.map(\.key) == ["2026-03-29"])
    }

    @Test func aWeekIsISOMondayToSunday() throws {
        // 2026-01-01 is a Thursday: its ISO week starts on Monday 2025-12-29.
        let week = try EnergyPeriod(.week, containing: "2026-01-01", timeZone: london)
        #expect(week.days.map(\.key) == ["2025-12-29", "2025-12-30", "2025-12-31", "2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"])
        #expect(week.previous == "2025-12-22")
        #expect(week.next == "2026-01-05")
        // The week holding the spring-forward Sunday is 167 hours.
        let dst = try EnergyPeriod(.week, containing: "2026-03-29", timeZone: london)
        #expect(dst.days.first?.key == "2026-03-23")
        #expect(dst.end - dst.start == 167 * 3_600_000)
    }

    @Test func monthsAndYearsHaveTheirDaysAndBars() throws {
        let february = try EnergyPeriod(.month, containing: "2028-02-10", timeZone: berlin)
        #expect(february.days.count == 29)
        #expect(february.bars.count == 29)
        #expect(february.previous == "2028-01-01")
        #expect(february.next == "2028-03-01")
        let year = try EnergyPeriod(.year, containing: "2026-07-04", timeZone: london)
        #expect(year.days.count == 365)
        #expect(year.bars.map(\.key) == (1...12).map { String(format: "2026-%02d", $0) })
        // March loses an hour, October gains one.
        #expect(year.bars[2].end - year.bars[2].start == (31 * 24 - 1) * 3_600_000)
        #expect(year.bars[9].end - year.bars[9].start == (31 * 24 + 1) * 3_600_000)
        #expect(year.previous == "2025-01-01")
    }

    @Test(arguments: ["2026-02-30", "2026-13-01", "26-01-01", "2026-1-01", "2026-01-01T00:00", "", "yesterday", "２０２６-01-01"])
    func badDatesAreRefusedWithAClearMessage(_ text: String) {
        #expect {
            try EnergyPeriod(.day, containing: text, timeZone: london)
        } throws: { error in
            (error as? HeliographError)?.message.contains("YYYY-MM-DD") ?? false
        }
    }
}
