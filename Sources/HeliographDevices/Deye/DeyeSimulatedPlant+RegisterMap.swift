import HeliographCore
import HeliographSolarman

extension DeyeSimulatedPlant {
    /// Power totals split over the phases a map has (`grid_power_w` → `grid_l1_power_w`…).
    static let phasedTotals = ["grid", "load", "inverter", "load_ups", "ac_output", "internal_ct", "external_ct"]

    /// Completes the plant's values for one register map, so that every field the map reads agrees
    /// with the totals the way a real inverter's do: phase powers add up to the total (split evenly
    /// over the phases the map has), phase voltages are the grid's, and each current the plant did
    /// not set is its power over its voltage, with the power's sign where the register is signed.
    /// Values the plant set for a phase are replaced: a single-phase plant's `load_l1_power_w`
    /// is wrong on a three-phase map.
    public static func completed(_ values: [FieldID: FieldValue], for map: RegisterMap) -> [FieldID: FieldValue] {
        var values = values
        let gridVolts = values["grid_voltage_v"].flatMap(\.numeric) ?? 230
        for prefix in phasedTotals {
            guard let total = values[FieldID("\(prefix)_power_w")]?.numeric else { continue }
            let phases = (1...3).map { FieldID("\(prefix)_l\($0)_power_w") }.filter { map.field($0) != nil }
            guard !phases.isEmpty else { continue }
            let share = (total / Double(phases.count)).rounded(.towardZero)
            for (index, phase) in phases.enumerated() {
                values[phase] = .number(index == 0 ? total - share * Double(phases.count - 1) : share)
            }
        }
        for field in map.fields where values[field.id] == nil && field.sum == nil {
            let id = field.id.rawValue
            if id.hasSuffix("_voltage_v"), id.contains("_l1_") || id.contains("_l2_") || id.contains("_l3_") {
                values[field.id] = .number(gridVolts)
            }
        }
        for field in map.fields where values[field.id] == nil && field.id.rawValue.hasSuffix("_current_a") {
            let stem = field.id.rawValue.dropLast("_current_a".count)
            guard let watts = values[FieldID("\(stem)_power_w")]?.numeric else { continue }
            let volts = values[FieldID("\(stem)_voltage_v")]?.numeric ?? gridVolts
            guard volts > 0 else { continue }
            let amps = (watts / volts * 100).rounded() / 100
            values[field.id] = .number(field.type.isSigned || field.scale < 0 ? amps : abs(amps))
        }
        return values
    }

    /// The battery's nominal voltage for a map: high-voltage models (`…_hv`) run a stack of a few hundred volts.
    public static func nominalBatteryVolts(model: String) -> Double {
        model.hasSuffix("_hv") ? 307 : 48
    }
}
