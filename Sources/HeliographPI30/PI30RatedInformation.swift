import HeliographCore

/// QPIRI: rated values and the current settings (25 fields; 27-28 on newer units).
public struct PI30RatedInformation: Sendable, Hashable, Codable {
    public var gridRatingVoltage: Double
    public var gridRatingCurrent: Double
    public var acOutputRatingVoltage: Double
    public var acOutputRatingFrequency: Double
    public var acOutputRatingCurrent: Double
    public var acOutputRatingApparentPower: Double
    public var acOutputRatingActivePower: Double
    /// Nominal battery voltage: 12, 24 or 48 V.
    public var batteryRatingVoltage: Double
    /// Set by PBCV.
    public var batteryRechargeVoltage: Double
    /// Set by PSDV.
    public var batteryUnderVoltage: Double
    /// Set by PCVV.
    public var batteryBulkVoltage: Double
    /// Set by PBFT.
    public var batteryFloatVoltage: Double
    public var batteryType: PI30CodedValue
    /// Set by MUCHGC.
    public var maxACChargingCurrent: Double
    /// Set by MCHGC.
    public var maxChargingCurrent: Double
    public var inputVoltageRange: PI30CodedValue
    /// Set by POP.
    public var outputSourcePriority: PI30CodedValue
    /// Set by PCP.
    public var chargerSourcePriority: PI30CodedValue
    /// Nil when the unit sends `-`.
    public var parallelMaxNum: Double?
    public var machineType: PI30CodedValue
    public var topology: PI30CodedValue
    public var outputMode: PI30CodedValue
    /// Set by PBDV; 0 means "only when the battery is full".
    public var batteryRedischargeVoltage: Double
    public var pvOKCondition: PI30CodedValue
    public var pvPowerBalance: PI30CodedValue
    public var maxChargingTimeCV: Double?
    public var operationLogic: PI30CodedValue?
    public var maxDischargingCurrent: Double?

    enum CodingKeys: String, CodingKey {
        case gridRatingVoltage = "grid_rating_voltage", gridRatingCurrent = "grid_rating_current"
        case acOutputRatingVoltage = "ac_output_rating_voltage", acOutputRatingFrequency = "ac_output_rating_frequency"
        case acOutputRatingCurrent = "ac_output_rating_current", acOutputRatingApparentPower = "ac_output_rating_apparent_power"
        case acOutputRatingActivePower = "ac_output_rating_active_power", batteryRatingVoltage = "battery_rating_voltage"
        case batteryRechargeVoltage = "battery_recharge_voltage", batteryUnderVoltage = "battery_under_voltage"
        case batteryBulkVoltage = "battery_bulk_voltage", batteryFloatVoltage = "battery_float_voltage"
        case batteryType = "battery_type", maxACChargingCurrent = "max_ac_charging_current"
        case maxChargingCurrent = "max_charging_current", inputVoltageRange = "input_voltage_range"
        case outputSourcePriority = "output_source_priority", chargerSourcePriority = "charger_source_priority"
        case parallelMaxNum = "parallel_max_num", machineType = "machine_type", topology, outputMode = "output_mode"
        case batteryRedischargeVoltage = "battery_redischarge_voltage", pvOKCondition = "pv_ok_condition"
        case pvPowerBalance = "pv_power_balance", maxChargingTimeCV = "max_charging_time_cv"
        case operationLogic = "operation_logic", maxDischargingCurrent = "max_discharging_current"
    }

    /// Parses a QPIRI payload.
    public init(payload: String, frame: [UInt8] = []) throws(HeliographError) {
        let fields = try PI30FieldReader("QPIRI", payload, frame: frame, minimumCount: 25)
        gridRatingVoltage = try fields.number(0)
        gridRatingCurrent = try fields.number(1)
        acOutputRatingVoltage = try fields.number(2)
        acOutputRatingFrequency = try fields.number(3)
        acOutputRatingCurrent = try fields.number(4)
        acOutputRatingApparentPower = try fields.number(5)
        acOutputRatingActivePower = try fields.number(6)
        batteryRatingVoltage = try fields.number(7)
        batteryRechargeVoltage = try fields.number(8)
        batteryUnderVoltage = try fields.number(9)
        batteryBulkVoltage = try fields.number(10)
        batteryFloatVoltage = try fields.number(11)
        batteryType = fields.coded(12, PI30Codes.batteryType)
        maxACChargingCurrent = try fields.number(13)
        maxChargingCurrent = try fields.number(14)
        inputVoltageRange = fields.coded(15, PI30Codes.inputVoltageRange)
        outputSourcePriority = fields.coded(16, PI30Codes.outputSourcePriority)
        chargerSourcePriority = fields.coded(17, PI30Codes.chargerSourcePriority)
        parallelMaxNum = try fields.optionalNumber(18)
        machineType = fields.coded(19, PI30Codes.machineType)
        topology = fields.coded(20, PI30Codes.topology)
        outputMode = fields.coded(21, PI30Codes.outputMode)
        batteryRedischargeVoltage = try fields.number(22)
        pvOKCondition = fields.coded(23, PI30Codes.pvOKCondition)
        pvPowerBalance = fields.coded(24, PI30Codes.pvPowerBalance)
        maxChargingTimeCV = try fields.optionalNumber(25)
        operationLogic = fields.optionalCoded(26, PI30Codes.operationLogic)
        maxDischargingCurrent = try fields.optionalNumber(27)
    }

    /// The output source priority as a setter value, if the code is a known one.
    public var outputSource: PI30OutputSourcePriority? { Int(outputSourcePriority.raw).flatMap(PI30OutputSourcePriority.init(rawValue:)) }
    /// The charger source priority as a setter value, if the code is a known one.
    public var chargerSource: PI30ChargerSourcePriority? { Int(chargerSourcePriority.raw).flatMap(PI30ChargerSourcePriority.init(rawValue:)) }
}
