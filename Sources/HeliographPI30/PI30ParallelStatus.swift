import HeliographCore

/// QPGSn: the status of parallel unit n (27 fields; 29 on PI30MAX with PV2).
public struct PI30ParallelStatus: Sendable, Hashable, Codable {
    public var parallelUnitExists: PI30CodedValue
    public var serialNumber: String
    /// A QMOD letter.
    public var workMode: String
    public var workModeMeaning: String
    public var faultCode: String
    public var faultCodeMeaning: String
    public var gridVoltage: Double
    public var gridFrequency: Double
    public var acOutputVoltage: Double
    public var acOutputFrequency: Double
    public var acOutputApparentPower: Double
    public var acOutputActivePower: Double
    public var loadPercent: Double
    public var batteryVoltage: Double
    public var batteryChargingCurrent: Double
    public var batteryCapacity: Double
    public var pv1InputVoltage: Double
    public var totalChargingCurrent: Double
    public var totalACOutputApparentPower: Double
    public var totalACOutputActivePower: Double
    public var totalACOutputPercent: Double
    public var inverterStatus: PI30ParallelInverterStatus
    public var outputMode: PI30CodedValue
    public var chargerSourcePriority: PI30CodedValue
    public var maxChargerCurrent: Double
    public var maxChargerRange: Double
    public var maxACChargerCurrent: Double
    public var pv1InputCurrent: Double
    public var batteryDischargeCurrent: Double
    public var pv2InputVoltage: Double?
    public var pv2InputCurrent: Double?

    enum CodingKeys: String, CodingKey {
        case parallelUnitExists = "parallel_unit_exists", serialNumber = "serial_number", workMode = "work_mode"
        case workModeMeaning = "work_mode_meaning", faultCode = "fault_code", faultCodeMeaning = "fault_code_meaning"
        case gridVoltage = "grid_voltage", gridFrequency = "grid_frequency", acOutputVoltage = "ac_output_voltage"
        case acOutputFrequency = "ac_output_frequency", acOutputApparentPower = "ac_output_apparent_power"
        case acOutputActivePower = "ac_output_active_power", loadPercent = "load_percent"
        case batteryVoltage = "battery_voltage", batteryChargingCurrent = "battery_charging_current"
        case batteryCapacity = "battery_capacity", pv1InputVoltage = "pv1_input_voltage"
        case totalChargingCurrent = "total_charging_current", totalACOutputApparentPower = "total_ac_output_apparent_power"
        case totalACOutputActivePower = "total_ac_output_active_power", totalACOutputPercent = "total_ac_output_percent"
        case inverterStatus = "inverter_status", outputMode = "output_mode", chargerSourcePriority = "charger_source_priority"
        case maxChargerCurrent = "max_charger_current", maxChargerRange = "max_charger_range"
        case maxACChargerCurrent = "max_ac_charger_current", pv1InputCurrent = "pv1_input_current"
        case batteryDischargeCurrent = "battery_discharge_current", pv2InputVoltage = "pv2_input_voltage"
        case pv2InputCurrent = "pv2_input_current"
    }

    public init(payload: String, frame: [UInt8] = []) throws(HeliographError) {
        let fields = try PI30FieldReader("QPGS", payload, frame: frame, minimumCount: 27)
        parallelUnitExists = fields.coded(0, PI30Codes.yesNo)
        serialNumber = fields.text(1)
        workMode = fields.text(2)
        workModeMeaning = PI30Mode(code: workMode).meaning
        faultCode = fields.text(3)
        faultCodeMeaning = PI30Codes.faultCodes[faultCode] ?? "Unknown fault"
        gridVoltage = try fields.number(4)
        gridFrequency = try fields.number(5)
        acOutputVoltage = try fields.number(6)
        acOutputFrequency = try fields.number(7)
        acOutputApparentPower = try fields.number(8)
        acOutputActivePower = try fields.number(9)
        loadPercent = try fields.number(10)
        batteryVoltage = try fields.number(11)
        batteryChargingCurrent = try fields.number(12)
        batteryCapacity = try fields.number(13)
        pv1InputVoltage = try fields.number(14)
        totalChargingCurrent = try fields.number(15)
        totalACOutputApparentPower = try fields.number(16)
        totalACOutputActivePower = try fields.number(17)
        totalACOutputPercent = try fields.number(18)
        inverterStatus = try PI30ParallelInverterStatus(bits: fields.bits(19, count: 8), raw: fields.text(19))
        outputMode = fields.coded(20, PI30Codes.outputMode)
        chargerSourcePriority = fields.coded(21, PI30Codes.chargerSourcePriority)
        maxChargerCurrent = try fields.number(22)
        maxChargerRange = try fields.number(23)
        maxACChargerCurrent = try fields.number(24)
        pv1InputCurrent = try fields.number(25)
        batteryDischargeCurrent = try fields.number(26)
        pv2InputVoltage = try fields.optionalNumber(27)
        pv2InputCurrent = try fields.optionalNumber(28)
    }
}

/// QPGSn inverter status bits b7...b0 (the first character is b7).
public struct PI30ParallelInverterStatus: Sendable, Hashable, Codable {
    public var raw: String
    public var sccOK: Bool
    public var acCharging: Bool
    public var sccCharging: Bool
    /// b4b3: `normal`, `under`, `open` or `unknown`.
    public var batteryStatus: String
    public var lineLoss: Bool
    public var loadOn: Bool
    public var configurationChanged: Bool

    enum CodingKeys: String, CodingKey {
        case raw, sccOK = "scc_ok", acCharging = "ac_charging", sccCharging = "scc_charging"
        case batteryStatus = "battery_status", lineLoss = "line_loss", loadOn = "load_on"
        case configurationChanged = "configuration_changed"
    }

    init(bits: [Bool], raw: String) {
        self.raw = raw
        sccOK = bits[0]
        acCharging = bits[1]
        sccCharging = bits[2]
        switch (bits[3], bits[4]) {
        case (false, false): batteryStatus = "normal"
        case (false, true): batteryStatus = "under"
        case (true, false): batteryStatus = "open"
        case (true, true): batteryStatus = "unknown"
        }
        lineLoss = bits[5]
        loadOn = bits[6]
        configurationChanged = bits[7]
    }
}
