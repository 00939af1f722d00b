import HeliographCore

/// The Heliograph fields a PI30 inverter reports, and how decoded replies map onto them.
///
/// Common meanings use `CommonFields`; the rest are PI30-specific snake_case ids ending in their unit.
public enum PI30Fields {
    // QPIGS
    public static let busVoltage = FieldDescriptor.measurement("bus_voltage_v", "DC bus voltage", .volt, precision: 0, range: 0...1_000)
    public static let batteryChargingCurrent = FieldDescriptor.measurement("battery_charging_current_a", "Battery charging current", .ampere, precision: 0, range: 0...500)
    public static let batteryDischargeCurrent = FieldDescriptor.measurement("battery_discharge_current_a", "Battery discharge current", .ampere, precision: 0, range: 0...500)
    public static let sccBatteryVoltage = FieldDescriptor.measurement("scc_battery_voltage_v", "Battery voltage at charge controller", .volt, precision: 2, range: 0...100)
    public static let pv1Voltage = FieldDescriptor.measurement("pv1_voltage_v", "PV1 voltage", .volt, precision: 1, range: 0...600)
    public static let pv1Current = FieldDescriptor.measurement("pv1_current_a", "PV1 current", .ampere, precision: 1, range: 0...100)
    public static let pv1Power = FieldDescriptor.measurement("pv1_power_w", "PV1 power", .watt, precision: 0, range: 0...20_000)
    // QPIGS2 (PI30MAX)
    public static let pv2Voltage = FieldDescriptor.measurement("pv2_voltage_v", "PV2 voltage", .volt, precision: 1, range: 0...600)
    public static let pv2Current = FieldDescriptor.measurement("pv2_current_a", "PV2 current", .ampere, precision: 1, range: 0...100)
    public static let pv2Power = FieldDescriptor.measurement("pv2_power_w", "PV2 power", .watt, precision: 0, range: 0...20_000)
    public static let loadOn = FieldDescriptor.flag("load_on", "Load on")
    public static let charging = FieldDescriptor.flag("charging", "Charging")
    public static let sccCharging = FieldDescriptor.flag("scc_charging", "Solar charging")
    public static let acCharging = FieldDescriptor.flag("ac_charging", "Utility charging")
    public static let chargingToFloat = FieldDescriptor.flag("charging_to_float", "Charging to float")
    // QMOD
    public static let modeCode = FieldDescriptor.text("mode_code", "Mode letter", enumeration: false)
    // QPIWS
    public static let faultActive = FieldDescriptor.flag("fault_active", "Fault active")
    public static let warningActive = FieldDescriptor.flag("warning_active", "Warning active")
    public static let activeWarnings = FieldDescriptor.text("active_warnings", "Active warnings", enumeration: false)
    /// PI30MAX only: the 2-digit fault code in a32-a33 (`04`), `none` for `00`.
    public static let faultCode = FieldDescriptor.text("fault_code", "Fault code", enumeration: false)
    // QPIRI (current settings; the read-back of every setter)
    public static let outputSourcePriority = FieldDescriptor.text("output_source_priority", "Output source priority")
    public static let chargerSourcePriority = FieldDescriptor.text("charger_source_priority", "Charger source priority")
    public static let maxChargingCurrent = FieldDescriptor.measurement("max_charging_current_a", "Max charging current", .ampere, precision: 0, range: 0...500)
    public static let maxUtilityChargingCurrent = FieldDescriptor.measurement("max_utility_charging_current_a", "Max utility charging current", .ampere, precision: 0, range: 0...500)
    public static let batteryRechargeVoltage = FieldDescriptor.measurement("battery_recharge_voltage_v", "Battery re-charge voltage", .volt, precision: 1, range: 0...100)
    public static let batteryRedischargeVoltage = FieldDescriptor.measurement("battery_redischarge_voltage_v", "Battery re-discharge voltage", .volt, precision: 1, range: 0...100)
    public static let batteryUnderVoltage = FieldDescriptor.measurement("battery_under_voltage_v", "Battery cut-off voltage", .volt, precision: 1, range: 0...100)
    public static let batteryBulkVoltage = FieldDescriptor.measurement("battery_bulk_voltage_v", "Battery bulk voltage", .volt, precision: 1, range: 0...100)
    public static let batteryFloatVoltage = FieldDescriptor.measurement("battery_float_voltage_v", "Battery float voltage", .volt, precision: 1, range: 0...100)
    public static let batteryType = FieldDescriptor.text("battery_type", "Battery type")

    /// The field that reports a QFLAG flag, e.g. `buzzer_enabled`.
    public static func flag(_ flag: PI30Flag) -> FieldDescriptor {
        FieldDescriptor.flag(FieldID("\(flag.name)_enabled"), flagNames[flag] ?? flag.name)
    }

    private static let flagNames: [PI30Flag: String] = [
        .buzzer: "Buzzer", .overloadBypass: "Overload bypass", .solarFeedToGrid: "Solar feed to grid",
        .powerSaving: "Power saving", .lcdEscapeToDefaultPage: "LCD returns to default page",
        .overloadRestart: "Overload restart", .overTemperatureRestart: "Over-temperature restart",
        .lcdBacklight: "LCD backlight", .primarySourceInterruptAlarm: "Alarm on primary source interrupt",
        .faultCodeRecord: "Fault code record",
    ]

    /// Every field a PI30 device may report, for `DeviceDescriptor.fields` and Home Assistant discovery.
    public static let all: [FieldDescriptor] = [
        CommonFields.gridVoltage, CommonFields.gridFrequency, CommonFields.outputVoltage, CommonFields.outputFrequency,
        CommonFields.loadApparentPower, CommonFields.loadPower, CommonFields.loadPercent, busVoltage,
        CommonFields.batteryVoltage, batteryChargingCurrent, batteryDischargeCurrent, CommonFields.batteryCurrent,
        CommonFields.batteryPower, CommonFields.batterySOC, CommonFields.inverterTemperature, pv1Current, pv1Voltage,
        pv1Power, pv2Current, pv2Voltage, pv2Power, CommonFields.pvPower, sccBatteryVoltage, loadOn, charging, sccCharging, acCharging, chargingToFloat,
        CommonFields.operatingMode, modeCode, faultActive, warningActive, activeWarnings, faultCode,
        outputSourcePriority, chargerSourcePriority, maxChargingCurrent, maxUtilityChargingCurrent,
        batteryRechargeVoltage, batteryRedischargeVoltage, batteryUnderVoltage, batteryBulkVoltage, batteryFloatVoltage,
        batteryType,
    ] + PI30Flag.allCases.map(flag)

    /// Field ids resolved once: the mapping runs for every reply.
    private enum ID {
        static let gridVoltage = CommonFields.gridVoltage.id
        static let gridFrequency = CommonFields.gridFrequency.id
        static let outputVoltage = CommonFields.outputVoltage.id
        static let outputFrequency = CommonFields.outputFrequency.id
        static let loadApparentPower = CommonFields.loadApparentPower.id
        static let loadPower = CommonFields.loadPower.id
        static let loadPercent = CommonFields.loadPercent.id
        static let busVoltage = PI30Fields.busVoltage.id
        static let batteryVoltage = CommonFields.batteryVoltage.id
        static let batteryChargingCurrent = PI30Fields.batteryChargingCurrent.id
        static let batteryDischargeCurrent = PI30Fields.batteryDischargeCurrent.id
        static let batteryCurrent = CommonFields.batteryCurrent.id
        static let batteryPower = CommonFields.batteryPower.id
        static let batterySOC = CommonFields.batterySOC.id
        static let inverterTemperature = CommonFields.inverterTemperature.id
        static let pv1Current = PI30Fields.pv1Current.id
        static let pv1Voltage = PI30Fields.pv1Voltage.id
        static let pv1Power = PI30Fields.pv1Power.id
        static let pvPower = CommonFields.pvPower.id
        static let sccBatteryVoltage = PI30Fields.sccBatteryVoltage.id
        static let loadOn = PI30Fields.loadOn.id
        static let charging = PI30Fields.charging.id
        static let sccCharging = PI30Fields.sccCharging.id
        static let acCharging = PI30Fields.acCharging.id
        static let chargingToFloat = PI30Fields.chargingToFloat.id
    }

    /// QPIGS → live readings.
    public static func values(from status: PI30GeneralStatus) -> [FieldID: FieldValue] {
        var values = [FieldID: FieldValue](minimumCapacity: 26)
        values[ID.gridVoltage] = .number(status.gridVoltage)
        values[ID.gridFrequency] = .number(status.gridFrequency)
        values[ID.outputVoltage] = .number(status.acOutputVoltage)
        values[ID.outputFrequency] = .number(status.acOutputFrequency)
        values[ID.loadApparentPower] = .number(status.acOutputApparentPower)
        values[ID.loadPower] = .number(status.acOutputActivePower)
        values[ID.loadPercent] = .number(status.outputLoadPercent)
        values[ID.busVoltage] = .number(status.busVoltage)
        values[ID.batteryVoltage] = .number(status.batteryVoltage)
        values[ID.batteryChargingCurrent] = .number(status.batteryChargingCurrent)
        values[ID.batteryDischargeCurrent] = .number(status.batteryDischargeCurrent)
        values[ID.batteryCurrent] = .number(status.batteryCurrent)
        values[ID.batteryPower] = .number((status.batteryVoltage * status.batteryCurrent).rounded())
        values[ID.batterySOC] = .number(status.batteryCapacity)
        values[ID.inverterTemperature] = .number(status.heatSinkTemperature)
        values[ID.pv1Current] = .number(status.pv1InputCurrent)
        values[ID.pv1Voltage] = .number(status.pv1InputVoltage)
        values[ID.pv1Power] = .number(status.pv1Power)
        values[ID.pvPower] = .number(status.pv1Power)
        values[ID.sccBatteryVoltage] = .number(status.batteryVoltageFromSCC)
        values[ID.loadOn] = .flag(status.deviceStatus.loadOn)
        values[ID.charging] = .flag(status.deviceStatus.chargingOn)
        values[ID.sccCharging] = .flag(status.deviceStatus.sccChargingOn)
        values[ID.acCharging] = .flag(status.deviceStatus.acChargingOn)
        if let status2 = status.deviceStatus2 { values[ID.chargingToFloat] = .flag(status2.chargingToFloat) }
        return values
    }

    /// QPIGS2 → PV2 readings. `pv_power_w` becomes PV1 + PV2 when both are polled (see `combinePV`).
    public static func values(from status: PI30PV2Status) -> [FieldID: FieldValue] {
        [
            pv2Voltage.id: .number(status.pv2InputVoltage),
            pv2Current.id: .number(status.pv2InputCurrent),
            pv2Power.id: .number(status.pv2ChargingPower),
        ]
    }

    /// Sets `pv_power_w` to the sum of PV1 and PV2 when a poll merged both.
    public static func combinePV(_ values: inout [FieldID: FieldValue]) {
        guard let pv1 = values[pv1Power.id]?.numeric, let pv2 = values[pv2Power.id]?.numeric else { return }
        values[CommonFields.pvPower.id] = .number(pv1 + pv2)
    }

    /// QMOD → operating mode.
    public static func values(from mode: PI30Mode) -> [FieldID: FieldValue] {
        [CommonFields.operatingMode.id: .text(mode.meaning), modeCode.id: .text(mode.mode)]
    }

    /// QPIWS → fault and warning summary, plus the fault code on PI30MAX (36-character replies).
    public static func values(from warnings: PI30Warnings) -> [FieldID: FieldValue] {
        var values: [FieldID: FieldValue] = [
            faultActive.id: .flag(warnings.hasFault),
            warningActive.id: .flag(!warnings.active.isEmpty),
            activeWarnings.id: .text(warnings.active.isEmpty ? "none" : warnings.activeNames.joined(separator: ",")),
        ]
        if warnings.length >= 36 { values[faultCode.id] = .text(warnings.faultCode ?? "none") }
        return values
    }

    /// QPIRI → current settings.
    public static func values(from rated: PI30RatedInformation) -> [FieldID: FieldValue] {
        var values: [FieldID: FieldValue] = [
            maxChargingCurrent.id: .number(rated.maxChargingCurrent),
            maxUtilityChargingCurrent.id: .number(rated.maxACChargingCurrent),
            batteryRechargeVoltage.id: .number(rated.batteryRechargeVoltage),
            batteryRedischargeVoltage.id: .number(rated.batteryRedischargeVoltage),
            batteryUnderVoltage.id: .number(rated.batteryUnderVoltage),
            batteryBulkVoltage.id: .number(rated.batteryBulkVoltage),
            batteryFloatVoltage.id: .number(rated.batteryFloatVoltage),
            batteryType.id: .text(rated.batteryType.meaning),
        ]
        values[outputSourcePriority.id] = .text(rated.outputSource?.label ?? "code_\(rated.outputSourcePriority.raw)")
        values[chargerSourcePriority.id] = .text(rated.chargerSource?.label ?? "code_\(rated.chargerSourcePriority.raw)")
        return values
    }

    /// QFLAG → one flag field per reported letter.
    public static func values(from flags: PI30FlagStatus) -> [FieldID: FieldValue] {
        var values: [FieldID: FieldValue] = [:]
        for flag in PI30Flag.allCases {
            if let on = flags.isEnabled(flag) { values[self.flag(flag).id] = .flag(on) }
        }
        return values
    }

    /// Any decoded reply → the fields it carries (empty for replies without live values).
    public static func values(from response: PI30Response) -> [FieldID: FieldValue] {
        switch response {
        case .generalStatus(let status): values(from: status)
        case .pv2Status(let status): values(from: status)
        case .mode(let mode): values(from: mode)
        case .warnings(let warnings): values(from: warnings)
        case .ratedInformation(let rated): values(from: rated)
        case .flags(let flags): values(from: flags)
        default: [:]
        }
    }
}
