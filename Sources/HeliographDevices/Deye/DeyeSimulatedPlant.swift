import Foundation
import HeliographCore

/// A plausible household around a Deye hybrid: sun, load, battery and grid that add up, so the
/// simulator's registers change like a real inverter's (SOC moves slowly, grid = load − PV + charge).
public struct DeyeSimulatedPlant: Sendable {
    public var pvPeakWatts: Double
    public var batteryCapacityWattHours: Double
    public var maximumBatteryWatts: Double
    /// 48 V for low-voltage models, a few hundred volts for high-voltage ones.
    public var batteryNominalVolts: Double
    public private(set) var stateOfCharge: Double
    private var lastTime: Date?
    private var energy: [FieldID: Double] = [:]

    public init(
        pvPeakWatts: Double = 5_000,
        batteryCapacityWattHours: Double = 10_000,
        maximumBatteryWatts: Double = 3_000,
        batteryNominalVolts: Double = 48,
        stateOfCharge: Double = 60
    ) {
        self.pvPeakWatts = pvPeakWatts
        self.batteryCapacityWattHours = batteryCapacityWattHours
        self.maximumBatteryWatts = maximumBatteryWatts
        self.batteryNominalVolts = batteryNominalVolts
        self.stateOfCharge = stateOfCharge
    }

    /// Moves the plant to `time` (simulated) and returns every value in Heliograph units and sign
    /// conventions (battery power positive while charging, grid power positive while importing).
    public mutating func advance(to time: Date) -> [FieldID: FieldValue] {
        let hour = time.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) / 3_600
        let sun = max(0, sin(Double.pi * (hour - 6) / 12))
        let clouds = 0.9 + 0.1 * sin(time.timeIntervalSince1970 / 97)
        let pv = (pvPeakWatts * sun * clouds).rounded()
        let load = (450 + 250 * sin(2 * Double.pi * (hour - 13) / 24) + 60 * sin(time.timeIntervalSince1970 / 41)).rounded()
        var battery = pv - load
        if battery > 0 { battery = stateOfCharge >= 100 ? 0 : min(battery, maximumBatteryWatts) }
        if battery < 0 { battery = stateOfCharge <= 10 ? 0 : max(battery, -maximumBatteryWatts) }
        battery = battery.rounded()
        let grid = load - pv + battery

        let seconds = lastTime.map { min(max(time.timeIntervalSince($0), 0), 600) } ?? 0
        lastTime = time
        stateOfCharge = min(100, max(0, stateOfCharge + battery * seconds / 3_600 / batteryCapacityWattHours * 100))
        func count(_ id: FieldID, _ watts: Double) { energy[id, default: 0] += max(0, watts) * seconds / 3_600_000 }
        count("pv_energy_total_kwh", pv)
        count("load_energy_total_kwh", load)
        count("grid_import_energy_total_kwh", grid)
        count("grid_export_energy_total_kwh", -grid)
        count("battery_charge_energy_total_kwh", battery)
        count("battery_discharge_energy_total_kwh", -battery)

        // 48 V → 48…54 V from empty to full; a 307 V stack → 307…345 V.
        let batteryVolts = batteryNominalVolts * (1 + stateOfCharge * 0.00125)
        let gridVolts = 230 + 2 * sin(time.timeIntervalSince1970 / 13)
        var values: [FieldID: FieldValue] = [
            "device_state": "Normal",
            "grid_connected": true,
            "pv1_power_w": .number((pv * 0.55).rounded()),
            "pv2_power_w": .number(pv - (pv * 0.55).rounded()),
            "pv1_voltage_v": .number(pv > 0 ? 350 : 0),
            "pv2_voltage_v": .number(pv > 0 ? 330 : 0),
            "pv1_current_a": .number(pv > 0 ? (pv * 0.55 / 350 * 10).rounded() / 10 : 0),
            "pv2_current_a": .number(pv > 0 ? (pv * 0.45 / 330 * 10).rounded() / 10 : 0),
            "load_power_w": .number(load),
            "load_l1_power_w": .number(load),
            "grid_power_w": .number(grid),
            "grid_l1_power_w": .number(grid),
            "inverter_power_w": .number(pv - battery),
            "battery_power_w": .number(battery),
            "battery_current_a": .number((battery / batteryVolts * 100).rounded() / 100),
            "battery_voltage_v": .number((batteryVolts * 100).rounded() / 100),
            "battery_soc_pct": .number(stateOfCharge.rounded()),
            "battery_temperature_c": .number(24.5),
            "grid_voltage_v": .number((gridVolts * 10).rounded() / 10),
            "grid_frequency_hz": .number(50 + (0.02 * sin(time.timeIntervalSince1970 / 7) * 100).rounded() / 100),
            "ac_output_voltage_v": .number(230),
            "ac_output_frequency_hz": .number(50),
            "load_frequency_hz": .number(50),
            "load_voltage_v": .number(230),
            "inverter_temperature_c": .number(38.5),
            "dc_temperature_c": .number(35.0),
            "device_alarm": "OK",
        ]
        for (id, kilowattHours) in energy { values[id] = .number((kilowattHours * 10).rounded() / 10) }
        return values
    }
}
