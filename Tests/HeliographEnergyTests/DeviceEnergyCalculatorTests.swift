import Foundation
import HeliographCore
import HeliographStorageBase
import Testing

@testable import HeliographEnergy

@Suite("Device energy: counters, integrated power, balance")
struct DeviceEnergyCalculatorTests {
    typealias Data = EnergyTestData
    let dayBounds = [Data.day, Data.day + 24 * Data.hour]

    func calculate(_ device: DeviceDescriptor, _ points: [FieldID: [StoredPoint]], boundaries: [Int64]? = nil, rules: EnergyRules = EnergyRules()) -> [[EnergyFlow: FlowEnergy]] {
        DeviceEnergyCalculator(catalogue: EnergyFieldCatalogue(device), rules: rules, timeZone: Data.utc).energy(points: points, boundaries: boundaries ?? dayBounds)
    }

    @Test func constantPowerForSixHoursIsTwelveKilowattHoursCoveringAQuarterOfTheDay() throws {
        let device = Data.device(fields: [CommonFields.pvPower])
        let pv = try #require(calculate(device, ["pv_power_w": Data.power(from: 8, to: 14) { _ in 2_000 }])[0][.pv])
        #expect(pv.kilowattHours.isClose(to: 12))
        #expect(pv.source == .integrated)
        #expect(pv.coverage.isClose(to: 0.25))
        #expect(pv.unknownHours.isClose(to: 18))
    }

    @Test func linearRampIsIntegratedExactly() throws {
        // 0 → 4 kW over four hours, read every 10 minutes: the triangle is 8 kWh.
        let device = Data.device(fields: [CommonFields.loadPower])
        let load = try #require(calculate(device, ["load_power_w": Data.power(from: 0, to: 4, every: 600) { $0 * 1_000 }])[0][.load])
        #expect(load.kilowattHours.isClose(to: 8))
    }

    @Test func aGapLongerThanTheLimitIsUnknownNotGuessed() throws {
        // 1 kW 08:00–10:00 and 12:00–13:00; nothing 10:00–12:00, more than the 15-minute limit.
        let device = Data.device(fields: [CommonFields.pvPower])
        let points = Data.power(from: 8, to: 10) { _ in 1_000 } + Data.power(from: 12, to: 13) { _ in 1_000 }
        let pv = try #require(calculate(device, ["pv_power_w": points])[0][.pv])
        #expect(pv.kilowattHours.isClose(to: 3))
        #expect(pv.unknownHours.isClose(to: 21))
    }

    @Test func theGapLimitIsConfigurable() throws {
        let device = Data.device(fields: [CommonFields.pvPower])
        let points = [Data.at(8, 1_000), Data.at(10, 1_000)]
        let rules = EnergyRules(maximumPowerGap: .seconds(3 * 3_600))
        #expect(try #require(calculate(device, ["pv_power_w": points], rules: rules)[0][.pv]).kilowattHours.isClose(to: 2))
        #expect(try #require(calculate(device, ["pv_power_w": points])[0][.pv]).kilowattHours == 0)
    }

    @Test func signedGridPowerSplitsIntoImportAndExportAtTheZeroCrossing() throws {
        // +2 kW for an hour, then linearly to −1 kW over the next hour (zero at 2/3 h), then −1 kW for an hour.
        let device = Data.device(fields: [CommonFields.gridPower])
        let points = [Data.at(0, 2_000), Data.at(1, 2_000), Data.at(2, -1_000), Data.at(3, -1_000)]
        let flows = calculate(device, ["grid_power_w": points], rules: EnergyRules(maximumPowerGap: .seconds(3_600)))[0]
        let imported = try #require(flows[.gridImport])
        let exported = try #require(flows[.gridExport])
        #expect(imported.kilowattHours.isClose(to: 2 + 2.0 / 3))
        #expect(exported.kilowattHours.isClose(to: 1 + 1.0 / 6))
        // Both parts together are the net trapezoid: 2 + 0.5 − 1.
        #expect((imported.kilowattHours - exported.kilowattHours).isClose(to: 1.5))
    }

    @Test func batteryPowerSplitsIntoChargeAndDischarge() throws {
        let device = Data.device(fields: [CommonFields.batteryPower])
        let points = Data.power(from: 0, to: 2) { $0 < 1 ? 1_500 : -500 }
        let flows = calculate(device, ["battery_power_w": points])[0]
        // One minute straddles the sign change: it crosses zero 3/4 into the minute, giving each part a triangle.
        #expect(try #require(flows[.batteryCharge]).kilowattHours.isClose(to: 1.5 * (59.0 / 60) + 1_500.0 * 0.75 / 2 / 60 / 1_000))
        #expect(try #require(flows[.batteryDischarge]).kilowattHours.isClose(to: 0.5 * (60.0 / 60) + 500.0 * 0.25 / 2 / 60 / 1_000))
    }

    @Test func aPI30SiteGetsItsGridFlowsFromTheBalance() throws {
        // PV 3 kW, load 1 kW, charging 1 kW for an hour: 1 kWh must have gone to the grid.
        let device = Data.device(kind: "pi30", fields: [CommonFields.pvPower, CommonFields.loadPower, CommonFields.batteryPower])
        let flows = calculate(device, [
            "pv_power_w": Data.power(from: 10, to: 11) { _ in 3_000 },
            "load_power_w": Data.power(from: 10, to: 11) { _ in 1_000 },
            "battery_power_w": Data.power(from: 10, to: 11) { _ in 1_000 },
        ])[0]
        #expect(try #require(flows[.gridExport]).kilowattHours.isClose(to: 1))
        #expect(try #require(flows[.gridExport]).source == .derived)
        #expect(try #require(flows[.gridImport]).kilowattHours == 0)
        #expect(try #require(flows[.batteryDischarge]).kilowattHours == 0)
    }

    @Test func oneUnknownFlowClosesTheBalance() throws {
        let device = Data.device(fields: [CommonFields.pvPower, CommonFields.gridPower])
        let flows = calculate(device, [
            "pv_power_w": Data.power(from: 10, to: 12) { _ in 2_000 },
            "grid_power_w": Data.power(from: 10, to: 12) { $0 < 11 ? 1_000 : -2_000 },
        ], boundaries: dayBounds)[0]
        // No battery fields: load, charge and discharge are unknown, too many for the balance to derive any.
        #expect(flows[.load] == nil)
        // With the battery measured only load is unknown: PV 4 kWh − charge 1 kWh with no grid flow is 3 kWh.
        let withBattery = Data.device(fields: [CommonFields.pvPower, CommonFields.gridPower, CommonFields.batteryPower])
        let full = calculate(withBattery, [
            "pv_power_w": Data.power(from: 10, to: 12) { _ in 2_000 },
            "grid_power_w": Data.power(from: 10, to: 12) { _ in 0 },
            "battery_power_w": Data.power(from: 10, to: 12) { _ in 500 },
        ])[0]
        let load = try #require(full[.load])
        #expect(load.source == .derived)
        #expect(load.kilowattHours.isClose(to: 3))
    }

    @Test func theCounterIsPreferredAndTheLifetimeOneFirst() throws {
        let device = Data.device(fields: [Data.counter("pv_energy_total_kwh"), Data.counter("pv_energy_today_kwh", resetsDaily: true), CommonFields.pvPower])
        let flows = calculate(device, [
            "pv_energy_total_kwh": [Data.at(6, 100), Data.at(12, 105), Data.at(18, 110.5)],
            "pv_energy_today_kwh": [Data.at(6, 0), Data.at(12, 4), Data.at(18, 9)],
            "pv_power_w": Data.power(from: 6, to: 18) { _ in 1_000 },
        ], rules: EnergyRules(maximumPowerGap: .seconds(6 * 3_600)))[0]
        let pv = try #require(flows[.pv])
        #expect(pv.source == .counter)
        #expect(pv.kilowattHours.isClose(to: 10.5))
        #expect(pv.coverage.isClose(to: 0.5))
    }

    @Test func theDailyCounterServesWhenTheLifetimeOneIsSilent() throws {
        let device = Data.device(fields: [Data.counter("pv_energy_total_kwh"), Data.counter("pv_energy_today_kwh", resetsDaily: true)])
        let flows = calculate(device, ["pv_energy_today_kwh": [Data.at(6, 0), Data.at(6.5, 0.5), Data.at(12, 4)]])[0]
        #expect(try #require(flows[.pv]).kilowattHours.isClose(to: 4))
    }

    @Test func countersThatResetAtMidnightGiveEachDayItsOwnEnergy() throws {
        let device = Data.device(fields: [Data.counter("load_energy_today_kwh", resetsDaily: true)])
        let readings = stride(from: 0.0, through: 47.5, by: 0.5).map { hours -> StoredPoint in
            // 0.5 kWh every half hour, reset at each midnight.
            Data.at(hours, hours.truncatingRemainder(dividingBy: 24))
        }
        let days = calculate(device, ["load_energy_today_kwh": readings], boundaries: [Data.day, Data.day + 24 * Data.hour, Data.day + 48 * Data.hour])
        // Day 1: 0 → 23.5 counted; day 2: the first reading after the reset (0) counts 0, then up to 23.5.
        #expect(try #require(days[0][.load]).kilowattHours.isClose(to: 23.5))
        #expect(try #require(days[1][.load]).kilowattHours.isClose(to: 23.5))
        #expect(try #require(days[1][.load]).skippedCounterSteps == 0)
    }

    @Test func backwardJumpsAndSpikesAreSkippedAndCounted() throws {
        // A spike to 6553.5 and back, then a real fall far from zero (a bad read), then steady counting.
        let device = Data.device(fields: [Data.counter("grid_import_energy_total_kwh")])
        let flows = calculate(device, ["grid_import_energy_total_kwh": [
            Data.at(1, 500), Data.at(2, 501), Data.at(2.01, 6_553.5), Data.at(2.02, 501.1), Data.at(3, 502), Data.at(3.5, 300), Data.at(4, 300.5),
        ]])[0]
        let imported = try #require(flows[.gridImport])
        // Counted: 500 → 501 (1), 501.1 → 502 (0.9), 300 → 300.5 (0.5); skipped: up to the spike, down from it, the fall to 300.
        #expect(imported.kilowattHours.isClose(to: 2.4))
        #expect(imported.skippedCounterSteps == 3)
        #expect(imported.kilowattHours >= 0)
    }

    @Test func aStalledCounterThatCatchesUpIsCountedOnce() throws {
        // The counter stalls at 10 for two hours while 2 kW flows, then reads 14: the step is plausible (2 kW × 2 h).
        let device = Data.device(fields: [Data.counter("pv_energy_total_kwh")])
        let flows = calculate(device, ["pv_energy_total_kwh": [Data.at(8, 10), Data.at(9, 10), Data.at(10, 10), Data.at(10.1, 14), Data.at(11, 16)]])[0]
        #expect(try #require(flows[.pv]).kilowattHours.isClose(to: 6))
        #expect(try #require(flows[.pv]).skippedCounterSteps == 0)
    }

    @Test func anInverterRebootThatZeroesItsDailyCounterLosesNothingCounted() throws {
        // Reboot at 12:00: the daily counter restarts from 0 mid-day; what it counts after counts on top.
        let device = Data.device(fields: [Data.counter("pv_energy_today_kwh", resetsDaily: true)])
        let flows = calculate(device, ["pv_energy_today_kwh": [Data.at(8, 0), Data.at(11.9, 6), Data.at(12.1, 0.2), Data.at(16, 5)]])[0]
        #expect(try #require(flows[.pv]).kilowattHours.isClose(to: 11))
    }

    @Test func noFigureIsEverNegativeOrNaN() throws {
        let device = Data.device(fields: [CommonFields.pvPower, CommonFields.loadPower, CommonFields.batteryPower])
        // PV reads negative (a sensor offset) and NaN; load is tiny: the derived grid flows stay ≥ 0.
        let flows = calculate(device, [
            "pv_power_w": [Data.at(10, -50), Data.at(10.1, .nan), Data.at(10.2, -20)],
            "load_power_w": Data.power(from: 10, to: 10.2) { _ in 10 },
            "battery_power_w": Data.power(from: 10, to: 10.2) { _ in -5 },
        ])[0]
        for (_, energy) in flows {
            #expect(energy.kilowattHours >= 0)
            #expect(energy.kilowattHours.isFinite)
        }
    }
}
