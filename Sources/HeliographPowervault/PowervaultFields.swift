import Foundation
import HeliographCore

/// The fields a Powervault P3 reports, with our units and sign conventions (battery power and
/// current positive while charging; grid power positive while importing).
public enum PowervaultFields {
    public static let batterySOC = CommonFields.batterySOC
    public static let batteryVoltage = CommonFields.batteryVoltage
    public static let batteryCurrent = CommonFields.batteryCurrent
    public static let batteryPower = CommonFields.batteryPower
    public static let gridVoltage = CommonFields.gridVoltage
    public static let gridFrequency = CommonFields.gridFrequency
    public static let gridPower = CommonFields.gridPower
    public static let loadPower = CommonFields.loadPower
    public static let outputVoltage = CommonFields.outputVoltage
    public static let outputFrequency = CommonFields.outputFrequency
    public static let inverterTemperature = CommonFields.inverterTemperature

    public static let auxPower = FieldDescriptor.measurement("aux_power_w", "Auxiliary CT power", .watt, precision: 0, range: -100_000...100_000)
    public static let inverterGridPower = FieldDescriptor.measurement("inverter_grid_power_w", "Inverter grid-side power", .watt, precision: 0, range: -100_000...100_000)
    public static let inverterOutputPower = FieldDescriptor.measurement("inverter_output_power_w", "Inverter output power", .watt, precision: 0, range: -100_000...100_000)
    public static let inverterOutputApparentPower = FieldDescriptor.measurement("inverter_output_apparent_power_va", "Inverter output apparent power", .voltAmpere, precision: 0, range: 0...100_000)
    public static let batteryCapacity = FieldDescriptor.measurement("battery_capacity_pct", "Battery capacity (inverter's view)", .percent, precision: 0, range: 0...100)
    public static let batteryHealth = FieldDescriptor.measurement("battery_soh_pct", "Battery state of health", .percent, precision: 0, range: 0...100)
    public static let batteryHealthMinimum = FieldDescriptor.measurement("battery_soh_min_pct", "Battery state of health (weakest module)", .percent, precision: 0, range: 0...100)
    public static let batteryCycles = FieldDescriptor(id: "battery_cycles", name: "Battery cycles (most cycled module)", stateClass: .totalIncreasing, precision: 0, plausibleRange: 0...100_000)
    public static let batteryCyclesAverage = FieldDescriptor(id: "battery_cycles_avg", name: "Battery cycles (average)", stateClass: .totalIncreasing, precision: 0, plausibleRange: 0...100_000)
    public static let cellVoltageMaximum = FieldDescriptor.measurement("battery_cell_voltage_max_v", "Highest cell voltage", .volt, precision: 3, range: 0...5)
    public static let cellVoltageMinimum = FieldDescriptor.measurement("battery_cell_voltage_min_v", "Lowest cell voltage", .volt, precision: 3, range: 0...5)
    public static let cellTemperature = FieldDescriptor.measurement("battery_temperature_c", "Battery cell temperature", .celsius, precision: 1, range: -40...100)
    public static let cellTemperatureMaximum = FieldDescriptor.measurement("battery_temperature_max_c", "Warmest battery cell", .celsius, precision: 1, range: -40...100)
    public static let cellTemperatureMinimum = FieldDescriptor.measurement("battery_temperature_min_c", "Coldest battery cell", .celsius, precision: 1, range: -40...100)
    public static let bmsTemperature = FieldDescriptor.measurement("bms_temperature_c", "BMS temperature", .celsius, precision: 1, range: -40...120)
    public static let bmsTemperatureMaximum = FieldDescriptor.measurement("bms_temperature_max_c", "Warmest BMS", .celsius, precision: 1, range: -40...120)
    public static let moduleVoltage = FieldDescriptor.measurement("battery_module_voltage_v", "Battery module voltage", .volt, precision: 2, range: 0...1_000)
    public static let chargeVoltageLimit = FieldDescriptor.measurement("battery_charge_voltage_limit_v", "BMS charge voltage limit", .volt, precision: 2, range: 0...1_000)
    public static let dischargeVoltageLimit = FieldDescriptor.measurement("battery_discharge_voltage_limit_v", "BMS discharge voltage limit", .volt, precision: 2, range: 0...1_000)
    public static let chargeCurrentLimit = FieldDescriptor.measurement("battery_charge_current_limit_a", "BMS charge current limit", .ampere, precision: 1, range: 0...1_000)
    public static let dischargeCurrentLimit = FieldDescriptor.measurement("battery_discharge_current_limit_a", "BMS discharge current limit", .ampere, precision: 1, range: 0...1_000)
    public static let boostTemperature = FieldDescriptor.measurement("boost_temperature_c", "Boost converter temperature", .celsius, precision: 1, range: -40...150)
    public static let innerTemperature = FieldDescriptor.measurement("inner_temperature_c", "Inverter inner temperature", .celsius, precision: 1, range: -40...150)
    public static let scheduleEvent = FieldDescriptor.text("schedule_event", "Schedule event")
    public static let scheduleSetpoint = FieldDescriptor.measurement("schedule_setpoint_w", "Schedule setpoint", .watt, precision: 0, range: -100_000...100_000)
    public static let maximumChargePower = FieldDescriptor.measurement("max_charge_power_w", "Maximum charge power", .watt, precision: 0, range: 0...100_000)
    public static let maximumDischargePower = FieldDescriptor.measurement("max_discharge_power_w", "Maximum discharge power", .watt, precision: 0, range: 0...100_000)
    public static let epsReserve = FieldDescriptor.measurement("eps_reserve_pct", "Backup (EPS) reserve", .percent, precision: 0, range: 0...100)
    public static let epsMode = FieldDescriptor(id: "eps_mode", name: "Backup (EPS) mode", precision: 0, plausibleRange: 0...255)
    public static let alarmActive = FieldDescriptor.flag("alarm_active", "Any inverter alarm")

    /// Alarm keys of `inverter/alarms` (flags sent as the strings "0"/"1").
    public static let alarmKeys = [
        "fan_lock", "over_temperature", "overload", "battery_low", "battery_under", "battery_weak", "battery_discharge_low",
        "no_battery", "initial_fail", "external_flash_fail", "ground_loss", "islanding_detect", "grid_ip_voltage_outofrange",
        "grid_ip_freq_outofrange", "grid_voltage_over_limit", "grid_voltage_under_limit", "grid_freq_over_limit",
        "grid_freq_under_limit", "feeding_av_voltage_over", "pv_loss", "pv1_loss", "pv2_loss", "pv_low",
    ]

    /// `alarm_<key>`, e.g. `alarm_fan_lock`.
    public static func alarm(_ key: String) -> FieldDescriptor {
        .flag(FieldID("alarm_\(key)"), "Alarm: " + key.replacingOccurrences(of: "_", with: " "))
    }

    /// `schedule/event` codes.
    public static let scheduleEvents = [0: "idle", 1: "charge", 2: "discharge", 3: "force_charge", 4: "force_discharge"]

    /// Every field, for the device descriptor.
    public static let all: [FieldDescriptor] = [
        batterySOC, batteryVoltage, batteryCurrent, batteryPower, gridVoltage, gridFrequency, gridPower, loadPower, auxPower,
        inverterGridPower, inverterOutputPower, inverterOutputApparentPower, outputVoltage, outputFrequency, batteryCapacity,
        batteryHealth, batteryHealthMinimum, batteryCycles, batteryCyclesAverage, cellVoltageMaximum, cellVoltageMinimum,
        cellTemperature, cellTemperatureMaximum, cellTemperatureMinimum, bmsTemperature, bmsTemperatureMaximum, moduleVoltage,
        chargeVoltageLimit, dischargeVoltageLimit, chargeCurrentLimit, dischargeCurrentLimit, inverterTemperature,
        boostTemperature, innerTemperature, scheduleEvent, scheduleSetpoint, maximumChargePower, maximumDischargePower,
        epsReserve, epsMode, alarmActive,
    ] + alarmKeys.map(alarm)
}
