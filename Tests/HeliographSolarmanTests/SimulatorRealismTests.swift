import Foundation
import HeliographCore
import HeliographModbus
import HeliographSolarman
import Testing

@testable import HeliographDevices

/// Issue 18 item 7: the simulators must be realistic enough that a driver bug shows. Every bundled
/// Deye map is served for a simulated day and decoded the way the driver decodes it; the values
/// must agree with each other the way a real inverter's do.
@Suite struct SimulatorRealismTests {
    static let models = ["deye_single_phase_hybrid", "deye_three_phase_hybrid_lv", "deye_three_phase_hybrid_hv", "deye_string", "deye_micro"]

    /// Samples over a day (every 7 minutes, so sun, load, charge and discharge all occur).
    static func decodedDay(_ model: String) throws -> [[FieldID: FieldValue]] {
        let map = try RegisterMap.bundled(model)
        var plant = DeyeSimulatedPlant(batteryNominalVolts: DeyeSimulatedPlant.nominalBatteryVolts(model: model))
        let start = Date(timeIntervalSince1970: 1_780_000_000 - 1_780_000_000.truncatingRemainder(dividingBy: 86_400))
        return stride(from: 0.0, to: 86_400, by: 420).map { second in
            let live = DeyeSimulator.liveRegisters(map: map, plantValues: plant.advance(to: start.addingTimeInterval(second)))
            return map.decode(RegisterImage(live))
        }
    }

    @Test(arguments: models)
    func phasesAddUpToTheirTotals(_ model: String) throws {
        let map = try RegisterMap.bundled(model)
        for values in try Self.decodedDay(model) {
            for prefix in DeyeSimulatedPlant.phasedTotals {
                let phases = (1...3).compactMap { values[FieldID("\(prefix)_l\($0)_power_w")]?.numeric }
                guard !phases.isEmpty, let total = values[FieldID("\(prefix)_power_w")]?.numeric else { continue }
                #expect(abs(phases.reduce(0, +) - total) <= 1, "\(model) \(prefix): phases \(phases) vs total \(total)")
                if abs(total) >= 30 { #expect(phases.allSatisfy { $0 != 0 }, "\(model) \(prefix): a phase reads 0 W of \(total) W") }
            }
            for field in map.fields where field.id.rawValue.contains(/_l[123]_voltage_v$/) {
                #expect((180...260).contains(values[field.id]?.numeric ?? 0), "\(model) \(field.id) = \(String(describing: values[field.id]))")
            }
        }
    }

    @Test(arguments: models)
    func currentsAgreeWithPowerInSignAndSize(_ model: String) throws {
        for values in try Self.decodedDay(model) {
            for (id, value) in values where id.rawValue.hasSuffix("_current_a") && !id.rawValue.hasPrefix("battery_max") {
                let stem = id.rawValue.dropLast("_current_a".count)
                guard let amps = value.numeric, let watts = values[FieldID("\(stem)_power_w")]?.numeric else { continue }
                let volts = values[FieldID("\(stem)_voltage_v")]?.numeric ?? values["grid_voltage_v"]?.numeric ?? 230
                guard volts > 0 else { continue }
                // Within 5 % (registers hold 0.1 A or 0.01 A), and never 0 A while more than 50 W flow.
                #expect(abs(abs(amps) - abs(watts) / volts) <= max(0.15, abs(watts) / volts * 0.05), "\(model) \(id): \(amps) A for \(watts) W at \(volts) V")
                if abs(watts) > 50 { #expect(amps != 0, "\(model) \(id): 0 A while \(watts) W flow") }
                if stem == "battery" || stem == "grid", amps != 0, watts != 0 {
                    #expect((amps > 0) == (watts > 0), "\(model) \(id): \(amps) A has the other sign from \(watts) W")
                }
            }
        }
    }

    @Test(arguments: models)
    func batteryVoltageSuitsTheModel(_ model: String) throws {
        let range: ClosedRange<Double> = model.hasSuffix("_hv") ? 150...800 : 40...60
        for values in try Self.decodedDay(model) {
            guard let volts = values["battery_voltage_v"]?.numeric else { continue }
            #expect(range.contains(volts), "\(model): battery at \(volts) V")
        }
    }

    @Test(arguments: models)
    func ratedPowerIsSetAndFunction06IsAnswered(_ model: String) async throws {
        let simulator = try DeyeSimulator(configuration: .init(model: model))
        let base: UInt16 = model.contains("three_phase") ? 0x0014 : 0x0010
        let low = UInt32(simulator.register(base) ?? 0)
        let high = UInt32(simulator.register(base + 1) ?? 0)
        let watts = Double(high << 16 | low) / 10
        #expect(watts == DeyeSimulator.ratedPowerWatts(model: model) && watts > 0)
        let map = try RegisterMap.bundled(model)
        guard let setting = map.settings.first(where: { $0.kind == .number }) else { return }
        let value = UInt16((setting.min / setting.scale).rounded())
        #expect(await simulator.answerModbusTCP(unit: 1, .writeSingleRegister(address: setting.register, value: value)) == .wroteSingleRegister(address: setting.register, value: value))
        #expect(simulator.register(setting.register) == value)
        let outside = UInt16(min(65_535, ((setting.max / setting.scale).rounded() + 1)))
        #expect(await simulator.answerModbusTCP(unit: 1, .writeSingleRegister(address: setting.register, value: outside)) == .exception(function: 0x06, code: .illegalDataValue))
    }
}
