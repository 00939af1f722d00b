import Foundation
import HeliographCore
import HeliographHoymiles
import Testing

@Suite struct HoymilesProductionTrackerTests {
    let serial = HoymilesSerialNumber("116180012345")!
    let utcZone = TimeZone(identifier: "UTC")!

    func reading(today: UInt16, total: UInt32, awake: Bool = true, power: UInt16 = 1_000) -> [HoymilesInverterReading] {
        [
            HoymilesInverterReading(serial: serial, ports: [
                HoymilesPortBlock(
                    serial: serial, portNumber: 1, pvVoltageRaw: 350, pvCurrentRaw: 300, gridVoltageRaw: 2_300, gridFrequencyRaw: 5_000,
                    pvPowerRaw: awake ? power : 0, todayProductionWh: today, totalProductionWh: total, temperatureRaw: 250,
                    operatingStatus: awake ? 3 : 0, linkStatus: awake ? 1 : 0
                )
            ])
        ]
    }

    @Test func zerosFromALostInverterAreHeldNotAReset() {
        var tracker = HoymilesProductionTracker(dailyReset: .init(hour: 0, timeZone: utcZone))
        _ = tracker.update(reading(today: 1_500, total: 80_000), at: utc(2026, 6, 1, 12))
        let glitch = tracker.update(reading(today: 0, total: 0), at: utc(2026, 6, 1, 12, 1))
        #expect(glitch[0].ports[0].energyTodayKWh == 1.5)
        #expect(glitch[0].ports[0].energyTotalKWh == 80)
        let back = tracker.update(reading(today: 1_600, total: 80_100), at: utc(2026, 6, 1, 12, 2))
        #expect(back[0].ports[0].energyTodayKWh == 1.6)
        #expect(back[0].ports[0].energyTotalKWh == 80.1)
    }

    @Test func nightZerosHoldTotalsAndMarkTheInverterAsleep() {
        var tracker = HoymilesProductionTracker(dailyReset: .init(hour: 0, timeZone: utcZone))
        _ = tracker.update(reading(today: 2_000, total: 90_000), at: utc(2026, 6, 1, 19))
        let night = tracker.update(reading(today: 0, total: 0, awake: false), at: utc(2026, 6, 1, 22))
        #expect(night[0].isAsleep)
        #expect(night[0].block == nil, "no stale voltages while asleep")
        #expect(night[0].ports[0].energyTodayKWh == 2)
        #expect(night[0].ports[0].energyTotalKWh == 90)
        let sample = HoymilesSamples.inverterSample(dtu: "dtu", night[0], at: utc(2026, 6, 1, 22))
        #expect(sample.number("pv1_power_w") == 0)
        #expect(sample["pv1_voltage_v"] == nil)
        #expect(sample["grid_voltage_v"] == nil)
        #expect(sample["asleep"] == .flag(true))
        #expect(sample.number("pv_energy_total_kwh") == 90)
    }

    @Test func dailyCounterRestartsAtTheConfiguredHourInItsTimeZone() {
        // Reset at 02:00 in Berlin (UTC+2 in June) = 00:00 UTC.
        var tracker = HoymilesProductionTracker(dailyReset: .init(hour: 2, timeZone: TimeZone(identifier: "Europe/Berlin")!))
        _ = tracker.update(reading(today: 3_000, total: 100_000), at: utc(2026, 6, 1, 18))
        let beforeReset = tracker.update(reading(today: 0, total: 0, awake: false), at: utc(2026, 6, 1, 23, 59))
        #expect(beforeReset[0].ports[0].energyTodayKWh == 3, "zero before the reset hour is not a reset")
        // After the reset the DTU still shows yesterday's value for a sleeping inverter: not today's.
        let afterReset = tracker.update(reading(today: 3_000, total: 100_000, awake: false), at: utc(2026, 6, 2, 0, 1))
        #expect(afterReset[0].ports[0].energyTodayKWh == 0)
        #expect(afterReset[0].ports[0].energyTotalKWh == 100)
        let morning = tracker.update(reading(today: 120, total: 100_120), at: utc(2026, 6, 2, 6))
        #expect(morning[0].ports[0].energyTodayKWh == 0.12)
    }

    @Test func resetHourSplitsTheDayWhereConfigured() {
        let reset = HoymilesDailyReset(hour: 3, timeZone: utcZone)
        #expect(reset.day(of: utc(2026, 6, 2, 2, 59)) == "2026-06-01")
        #expect(reset.day(of: utc(2026, 6, 2, 3, 0)) == "2026-06-02")
    }

    @Test func totalsNeverDecreaseAndDailyCounterUnwraps() {
        var tracker = HoymilesProductionTracker(dailyReset: .init(hour: 0, timeZone: utcZone))
        _ = tracker.update(reading(today: 65_000, total: 500_000), at: utc(2026, 6, 1, 12))
        let dip = tracker.update(reading(today: 65_200, total: 499_000), at: utc(2026, 6, 1, 12, 1))
        #expect(dip[0].ports[0].energyTotalKWh == 500)
        let wrapped = tracker.update(reading(today: 300, total: 500_800), at: utc(2026, 6, 1, 12, 2))
        #expect(wrapped[0].ports[0].energyTodayKWh == Double(65_536 + 300) / 1_000)
        #expect(wrapped[0].ports[0].energyTotalKWh == 500.8)
    }

    @Test func seededTotalsAreHeldButNeverLowerAHigherOne() {
        var tracker = HoymilesProductionTracker(dailyReset: .init(hour: 0, timeZone: utcZone))
        tracker.seed(totals: [serial: [1: 50_000]])
        #expect(tracker.knownSerials == [serial])
        let dead = tracker.update(reading(today: 0, total: 0), at: utc(2026, 6, 1, 12))
        #expect(dead[0].ports[0].energyTotalKWh == 50)
        #expect(dead[0].ports[0].energyTodayKWh == 0)
        let missing = tracker.update([], at: utc(2026, 6, 1, 12, 1))
        #expect(missing[0].isAsleep && missing[0].ports[0].energyTotalKWh == 50)
        _ = tracker.update(reading(today: 100, total: 50_100), at: utc(2026, 6, 1, 12, 2))
        tracker.seed(totals: [serial: [1: 40_000]])
        #expect(tracker.update([], at: utc(2026, 6, 1, 12, 3))[0].ports[0].energyTotalKWh == 50.1)
    }

    @Test func inverterMissingFromAScanIsReportedAsleepWithHeldCounters() {
        var tracker = HoymilesProductionTracker(dailyReset: .init(hour: 0, timeZone: utcZone))
        _ = tracker.update(reading(today: 700, total: 10_000), at: utc(2026, 6, 1, 12))
        let missing = tracker.update([], at: utc(2026, 6, 1, 12, 1))
        #expect(missing.count == 1)
        #expect(missing[0].isAsleep)
        #expect(missing[0].ports[0].energyTodayKWh == 0.7)
        #expect(missing[0].ports[0].energyTotalKWh == 10)
    }
}
