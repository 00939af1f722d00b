import HeliographCore

/// QDI: factory default settings (25 fields on PI30, 26-27 on PI30MAX).
public struct PI30DefaultSettings: Sendable, Hashable, Codable {
    public var acOutputVoltage: Double
    public var acOutputFrequency: Double
    public var maxACChargingCurrent: Double
    public var batteryUnderVoltage: Double
    public var batteryFloatVoltage: Double
    public var batteryBulkVoltage: Double
    public var batteryRechargeVoltage: Double
    public var maxChargingCurrent: Double
    public var inputVoltageRange: PI30CodedValue
    public var outputSourcePriority: PI30CodedValue
    public var chargerSourcePriority: PI30CodedValue
    public var batteryType: PI30CodedValue
    /// `0` means the buzzer is enabled.
    public var buzzer: PI30CodedValue
    public var powerSaving: Bool
    public var overloadRestart: Bool
    public var overTemperatureRestart: Bool
    public var lcdBacklight: Bool
    public var primarySourceInterruptAlarm: Bool
    public var faultCodeRecord: Bool
    public var overloadBypass: Bool
    public var lcdEscapeToDefault: Bool
    public var outputMode: PI30CodedValue
    public var batteryRedischargeVoltage: Double
    public var pvOKCondition: PI30CodedValue
    public var pvPowerBalance: PI30CodedValue
    public var maxChargingTimeCV: Double?
    public var maxDischargingCurrent: Double?

    enum CodingKeys: String, CodingKey {
        case acOutputVoltage = "ac_output_voltage", acOutputFrequency = "ac_output_frequency"
        case maxACChargingCurrent = "max_ac_charging_current", batteryUnderVoltage = "battery_under_voltage"
        case batteryFloatVoltage = "battery_float_voltage", batteryBulkVoltage = "battery_bulk_voltage"
        case batteryRechargeVoltage = "battery_recharge_voltage", maxChargingCurrent = "max_charging_current"
        case inputVoltageRange = "input_voltage_range", outputSourcePriority = "output_source_priority"
        case chargerSourcePriority = "charger_source_priority", batteryType = "battery_type", buzzer
        case powerSaving = "power_saving", overloadRestart = "overload_restart"
        case overTemperatureRestart = "over_temperature_restart", lcdBacklight = "lcd_backlight"
        case primarySourceInterruptAlarm = "primary_source_interrupt_alarm", faultCodeRecord = "fault_code_record"
        case overloadBypass = "overload_bypass", lcdEscapeToDefault = "lcd_escape_to_default", outputMode = "output_mode"
        case batteryRedischargeVoltage = "battery_redischarge_voltage", pvOKCondition = "pv_ok_condition"
        case pvPowerBalance = "pv_power_balance", maxChargingTimeCV = "max_charging_time_cv"
        case maxDischargingCurrent = "max_discharging_current"
    }

    public init(payload: String, frame: [UInt8] = []) throws(HeliographError) {
        let fields = try PI30FieldReader("QDI", payload, frame: frame, minimumCount: 25)
        acOutputVoltage = try fields.number(0)
        acOutputFrequency = try fields.number(1)
        maxACChargingCurrent = try fields.number(2)
        batteryUnderVoltage = try fields.number(3)
        batteryFloatVoltage = try fields.number(4)
        batteryBulkVoltage = try fields.number(5)
        batteryRechargeVoltage = try fields.number(6)
        maxChargingCurrent = try fields.number(7)
        inputVoltageRange = fields.coded(8, PI30Codes.inputVoltageRange)
        outputSourcePriority = fields.coded(9, PI30Codes.outputSourcePriority)
        chargerSourcePriority = fields.coded(10, PI30Codes.chargerSourcePriority)
        batteryType = fields.coded(11, PI30Codes.batteryType)
        buzzer = fields.coded(12, PI30Codes.buzzer)
        powerSaving = try fields.flag(13)
        overloadRestart = try fields.flag(14)
        overTemperatureRestart = try fields.flag(15)
        lcdBacklight = try fields.flag(16)
        primarySourceInterruptAlarm = try fields.flag(17)
        faultCodeRecord = try fields.flag(18)
        overloadBypass = try fields.flag(19)
        lcdEscapeToDefault = try fields.flag(20)
        outputMode = fields.coded(21, PI30Codes.outputMode)
        batteryRedischargeVoltage = try fields.number(22)
        pvOKCondition = fields.coded(23, PI30Codes.pvOKCondition)
        pvPowerBalance = fields.coded(24, PI30Codes.pvPowerBalance)
        maxChargingTimeCV = try fields.optionalNumber(25)
        maxDischargingCurrent = try fields.optionalNumber(26)
    }
}
