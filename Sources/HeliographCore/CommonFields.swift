/// Fields whose meaning is the same for every brand. Drivers use these descriptors (or at least
/// these ids) so that dashboards, rules and Home Assistant see one vocabulary.
public enum CommonFields {
    public static let pvPower = FieldDescriptor.measurement("pv_power_w", "PV power", .watt, precision: 0, range: 0...100_000)
    public static let batteryVoltage = FieldDescriptor.measurement("battery_voltage_v", "Battery voltage", .volt, precision: 2, range: 0...1_000)
    /// Positive while charging, negative while discharging.
    public static let batteryCurrent = FieldDescriptor.measurement("battery_current_a", "Battery current", .ampere, precision: 1, range: -1_000...1_000)
    /// Positive while charging, negative while discharging.
    public static let batteryPower = FieldDescriptor.measurement("battery_power_w", "Battery power", .watt, precision: 0, range: -100_000...100_000)
    public static let batterySOC = FieldDescriptor(
        id: "battery_soc_pct",
        name: "Battery state of charge",
        unit: .percent,
        deviceClass: .battery,
        stateClass: .measurement,
        precision: 0,
        plausibleRange: 0...100
    )
    public static let gridVoltage = FieldDescriptor.measurement("grid_voltage_v", "Grid voltage", .volt, precision: 1, range: 0...500)
    public static let gridFrequency = FieldDescriptor.measurement("grid_frequency_hz", "Grid frequency", .hertz, precision: 2, range: 0...70)
    /// Positive while importing, negative while exporting.
    public static let gridPower = FieldDescriptor.measurement("grid_power_w", "Grid power", .watt, precision: 0, range: -100_000...100_000)
    public static let loadPower = FieldDescriptor.measurement("load_power_w", "Load power", .watt, precision: 0, range: 0...100_000)
    public static let loadApparentPower = FieldDescriptor.measurement("load_apparent_power_va", "Load apparent power", .voltAmpere, precision: 0, range: 0...100_000)
    public static let loadPercent = FieldDescriptor.measurement("load_pct", "Load", .percent, precision: 0, range: 0...200)
    public static let outputVoltage = FieldDescriptor.measurement("ac_output_voltage_v", "AC output voltage", .volt, precision: 1, range: 0...500)
    public static let outputFrequency = FieldDescriptor.measurement("ac_output_frequency_hz", "AC output frequency", .hertz, precision: 2, range: 0...70)
    public static let inverterTemperature = FieldDescriptor.measurement("inverter_temperature_c", "Inverter temperature", .celsius, precision: 1, range: -40...150)
    public static let pvEnergyToday = FieldDescriptor.energy("pv_energy_today_kwh", "PV energy today", resetsDaily: true)
    public static let pvEnergyTotal = FieldDescriptor.energy("pv_energy_total_kwh", "PV energy total", resetsDaily: false)
    public static let operatingMode = FieldDescriptor.text("operating_mode", "Operating mode")
}
