import Foundation
import HeliographEnergy
import Testing

/// Lifetime totals for meters that must never go backwards, and the file that keeps them across restarts.
@Suite("Lifetime energy totals")
struct EnergyTotalsTests {
    func temporaryFile() throws -> EnergyTotalsFile {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("energy-totals-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return EnergyTotalsFile(url: directory.appendingPathComponent("energy-totals.json"))
    }

    @Test func aDayComputedLowerAddsNothingAndRisingAgainAddsOnlyTheExcess() {
        var totals = EnergyTotals()
        #expect(totals.record(day: "2026-01-15", figures: [.pv: 5, .gridImport: 2]) == [.pv: 5, .gridImport: 2])
        // Late data (a gap filled at lower power) or a counter step skipped after all: the day falls.
        #expect(totals.record(day: "2026-01-15", figures: [.pv: 4.2, .gridImport: 1.5]) == [.pv: 0, .gridImport: 0])
        #expect(totals.total(.pv) == 5)
        #expect(totals.total(.gridImport) == 2)
        // Rising back to below its best adds nothing; above it, only the excess.
        totals.record(day: "2026-01-15", figures: [.pv: 4.9])
        #expect(totals.total(.pv) == 5)
        #expect(totals.record(day: "2026-01-15", figures: [.pv: 5.5]) == [.pv: 0.5])
        // The next day counts from its own zero.
        totals.record(day: "2026-01-16", figures: [.pv: 1, .gridImport: 0])
        #expect(totals.total(.pv) == 6.5)
        #expect(totals.total(.gridImport) == 2)
        #expect(totals.flows == [.pv, .gridImport])
        #expect(totals.total(.load) == nil)
        #expect(totals.lastDay == "2026-01-16")
    }

    @Test func impossibleFiguresAreIgnored() {
        var totals = EnergyTotals()
        totals.record(day: "2026-01-15", figures: [.pv: 3])
        totals.record(day: "2026-01-15", figures: [.pv: .nan, .load: -4, .gridExport: .infinity])
        #expect(totals.total(.pv) == 3)
        #expect(totals.flows == [.pv])
        #expect(totals.isPlausible)
    }

    @Test func aForgottenDayIsNeverCountedAgain() {
        var totals = EnergyTotals()
        for day in 1...(EnergyTotals.keptDays + 1) { totals.record(day: String(format: "2026-01-%02d", day), figures: [.load: 1]) }
        #expect(totals.total(.load) == Double(EnergyTotals.keptDays + 1))
        #expect(totals.counted.count == EnergyTotals.keptDays)
        #expect(totals.forgottenThrough == "2026-01-01")
        // Late data for the forgotten day would otherwise count its whole figure a second time.
        #expect(totals.record(day: "2026-01-01", figures: [.load: 7]).isEmpty)
        #expect(totals.total(.load) == Double(EnergyTotals.keptDays + 1))
    }

    @Test func theTotalsSurviveARestartAndStillNeverFall() throws {
        let file = try temporaryFile()
        #expect(file.load().totals == EnergyTotals())
        var totals = EnergyTotals()
        totals.record(day: "2026-01-15", figures: [.pv: 5, .load: 3])
        try file.save(totals)
        // A new daemon reads what the old one counted, including each day's best figure.
        let (reloaded, problem) = file.load()
        #expect(problem == nil)
        #expect(reloaded == totals)
        var after = reloaded
        after.record(day: "2026-01-15", figures: [.pv: 4, .load: 3.25])
        #expect(after.total(.pv) == 5)
        #expect(after.total(.load) == 3.25)
    }

    @Test func anUnreadableFileIsSetAsideNotOverwritten() throws {
        let file = try temporaryFile()
        for garbage in [#"{"kilowattHours": {"pv": -3}, "counted": {}}"#, "not json"] {
            try Data(garbage.utf8).write(to: file.url)
            let (totals, problem) = file.load(now: Date(timeIntervalSince1970: 1_768_435_200))
            #expect(totals == EnergyTotals())
            #expect(problem?.contains("not valid") == true)
            let aside = file.url.appendingPathExtension("unreadable-1768435200")
            #expect(try String(contentsOf: aside, encoding: .utf8) == garbage)
            #expect(!FileManager.default.fileExists(atPath: file.url.path))
            try FileManager.default.removeItem(at: aside)
        }
    }
}
