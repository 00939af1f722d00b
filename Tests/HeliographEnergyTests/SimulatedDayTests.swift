import Foundation
import HeliographCore
import HeliographDevices
import HeliographStorageBase
import HeliographTesting
import Testing

@testable import HeliographEnergy

/// A simulated day read every 10 seconds: the energy from the simulators' own counters and the energy
/// from integrating their power agree within 1 %, so neither the model nor the simulators drift.
/// A day of samples every 10 s through the simulators and the calculator: off the cooperative pool.
@Suite("Counters and integrated power agree over a simulated day", .cpuBound)
struct SimulatedDayTests {
    typealias Data = EnergyTestData
    static let step: Int64 = 10_000

    /// Energy per flow from the counters alone and from the power fields alone.
    func bothWays(counters: [FieldID: [StoredPoint]], power: [FieldID: [StoredPoint]]) -> (counted: [EnergyFlow: FlowEnergy], integrated: [EnergyFlow: FlowEnergy]) {
        let bounds = [Data.day, Data.day + 24 * Data.hour]
        let counterDevice = Data.device(fields: counters.keys.map { Data.counter($0) })
        let powerDevice = Data.device(fields: power.keys.map { FieldDescriptor.measurement($0, $0.rawValue, .watt) })
        let counted = DeviceEnergyCalculator(catalogue: EnergyFieldCatalogue(counterDevice), rules: EnergyRules(), timeZone: Data.utc).energy(points: counters, boundaries: bounds)[0]
        let integrated = DeviceEnergyCalculator(catalogue: EnergyFieldCatalogue(powerDevice), rules: EnergyRules(), timeZone: Data.utc).energy(points: power, boundaries: bounds)[0]
        return (counted, integrated)
    }

    @Test func deyeHybrid() throws {
        var plant = DeyeSimulatedPlant()
        var counters: [FieldID: [StoredPoint]] = [:]
        var power: [FieldID: [StoredPoint]] = [:]
        for time in stride(from: Data.day, through: Data.day + 24 * Data.hour, by: Int(Self.step)) {
            var values = plant.advance(to: Date(storageMilliseconds: time))
            // The register map reads pv_power_w as the sum of the strings' registers.
            if case .number(let first) = values["pv1_power_w"], case .number(let second) = values["pv2_power_w"] { values["pv_power_w"] = .number(first + second) }
            for (id, value) in values {
                guard case .number(let number) = value else { continue }
                if id.rawValue.hasSuffix("_energy_total_kwh") { counters[id, default: []].append(StoredPoint(time: time, value: number)) }
                if ["pv_power_w", "load_power_w", "grid_power_w", "battery_power_w"].contains(id.rawValue) {
                    power[id, default: []].append(StoredPoint(time: time, value: number))
                }
            }
        }
        let (counted, integrated) = bothWays(counters: counters, power: power)
        #expect(counted.count == 6)
        for flow in EnergyFlow.allCases {
            let counter = try #require(counted[flow])
            let integral = try #require(integrated[flow])
            #expect(counter.source == .counter)
            #expect(integral.source == .integrated, "\(flow)")
            // The registers count in 0.1 kWh: a small flow may differ by one step at each end of the day.
            let tolerance = max(0.01 * integral.kilowattHours, 0.1)
            #expect(abs(counter.kilowattHours - integral.kilowattHours) <= tolerance, "\(flow): counter \(counter.kilowattHours), integrated \(integral.kilowattHours)")
        }
        // The big flows on their own are within 1 %.
        for flow in [EnergyFlow.pv, .load] {
            let counter = try #require(counted[flow]).kilowattHours
            let integral = try #require(integrated[flow]).kilowattHours
            #expect(integral > 5)
            #expect(abs(counter - integral) <= 0.01 * integral, "\(flow): counter \(counter), integrated \(integral)")
        }
    }

    @Test func hoymilesInverterPort() throws {
        let simulator = HoymilesDTUSimulator()
        let inverter = HoymilesDTUSimulator.defaultInverters[1]
        var counter: [StoredPoint] = []
        var power: [StoredPoint] = []
        for time in stride(from: Data.day, through: Data.day + 24 * Data.hour, by: Int(Self.step)) {
            let block = simulator.portBlock(inverter, port: 1, time: Date(storageMilliseconds: time))
            counter.append(StoredPoint(time: time, value: Double(block.totalProductionWh) / 1_000))
            power.append(StoredPoint(time: time, value: block.pvPower))
        }
        let (counted, integrated) = bothWays(counters: ["pv_energy_total_kwh": counter], power: ["pv_power_w": power])
        let fromCounter = try #require(counted[.pv])
        let fromPower = try #require(integrated[.pv])
        // 380 W peak on a 12-hour sine: 380 × 2 × 12 / π = 2.903 kWh.
        #expect(abs(fromPower.kilowattHours - 380 * 24 / Double.pi / 1_000) <= 0.01 * fromPower.kilowattHours)
        #expect(abs(fromCounter.kilowattHours - fromPower.kilowattHours) <= 0.01 * fromPower.kilowattHours, "counter \(fromCounter.kilowattHours), integrated \(fromPower.kilowattHours)")
        // Waking from zeros at sunrise is a jump the rules skip (and count), not energy.
        #expect(fromCounter.skippedCounterSteps == 1)
    }
}
