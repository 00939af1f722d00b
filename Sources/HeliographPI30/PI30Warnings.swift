import HeliographCore

/// One QPIWS warning bit, named as in the Voltronic documents.
public enum PI30Warning: String, Sendable, Hashable, Codable, CaseIterable {
    case pvLoss = "pv_loss"
    case inverterFault = "inverter_fault"
    case busOver = "bus_over"
    case busUnder = "bus_under"
    case busSoftFail = "bus_soft_fail"
    case lineFail = "line_fail"
    case opvShort = "opv_short"
    case inverterVoltageTooLow = "inverter_voltage_too_low"
    case inverterVoltageTooHigh = "inverter_voltage_too_high"
    case overTemperature = "over_temperature"
    case fanLocked = "fan_locked"
    case batteryVoltageHigh = "battery_voltage_high"
    case batteryLowAlarm = "battery_low_alarm"
    case batteryUnderShutdown = "battery_under_shutdown"
    case batteryDerating = "battery_derating"
    case overload = "overload"
    case eepromFault = "eeprom_fault"
    case inverterOverCurrent = "inverter_over_current"
    case inverterSoftFail = "inverter_soft_fail"
    case selfTestFail = "self_test_fail"
    case opDCVoltageOver = "op_dc_voltage_over"
    case batteryOpen = "battery_open"
    case currentSensorFail = "current_sensor_fail"
    case batteryShort = "battery_short"
    case powerLimit = "power_limit"
    case pvVoltageHigh = "pv_voltage_high"
    case mpptOverloadFault = "mppt_overload_fault"
    case mpptOverloadWarning = "mppt_overload_warning"
    case batteryTooLowToCharge = "battery_too_low_to_charge"
    case batteryWeak = "battery_weak"
    case batteryEqualization = "battery_equalization"

    /// Bits a1-a8 and a18-a24 are faults; a9-a11 and a16 are faults only while a1 is set.
    public enum Severity: String, Sendable, Hashable, Codable { case fault, warning }

    /// The bit meaning at `index` for a reply of `length` characters (32 classic, 36 PI30MAX).
    public static func at(_ index: Int, length: Int) -> PI30Warning? {
        if length >= 36 {
            switch index {
            case 0: return .pvLoss
            case 15: return .batteryDerating
            case 24...30, 32...34: return nil
            case 31: return .batteryWeak
            case 35: return .batteryEqualization
            default: break
            }
        }
        return classic[index]
    }

    private static let classic: [Int: PI30Warning] = [
        1: .inverterFault, 2: .busOver, 3: .busUnder, 4: .busSoftFail, 5: .lineFail, 6: .opvShort,
        7: .inverterVoltageTooLow, 8: .inverterVoltageTooHigh, 9: .overTemperature, 10: .fanLocked,
        11: .batteryVoltageHigh, 12: .batteryLowAlarm, 14: .batteryUnderShutdown, 16: .overload, 17: .eepromFault,
        18: .inverterOverCurrent, 19: .inverterSoftFail, 20: .selfTestFail, 21: .opDCVoltageOver, 22: .batteryOpen,
        23: .currentSensorFail, 24: .batteryShort, 25: .powerLimit, 26: .pvVoltageHigh, 27: .mpptOverloadFault,
        28: .mpptOverloadWarning, 29: .batteryTooLowToCharge,
    ]
}

/// QPIWS: the warning bit string, `a0` first (32 characters, 36 on PI30MAX).
public struct PI30Warnings: Sendable, Hashable, Codable {
    /// One set bit, by position and name.
    public struct SetBit: Sendable, Hashable, Codable {
        public var index: Int
        public var name: String
    }

    public var raw: String
    public var length: Int
    /// Every set bit in order; reserved bits are named `reserved_aN`.
    public var setBits: [SetBit]
    /// The named warnings that are active.
    public var active: Set<PI30Warning>
    /// The 2-digit fault code PI30MAX carries in a32-a33, when present and not `00`.
    public var faultCode: String?

    enum CodingKeys: String, CodingKey {
        case raw, length, setBits = "set_bits", active, faultCode = "fault_code"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(raw, forKey: .raw)
        try container.encode(length, forKey: .length)
        try container.encode(setBits, forKey: .setBits)
        try container.encode(activeNames, forKey: .active)
        try container.encodeIfPresent(faultCode, forKey: .faultCode)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(payload: container.decode(String.self, forKey: .raw))
    }

    public init(payload: String, frame: [UInt8] = []) throws(HeliographError) {
        let characters = Array(payload)
        guard characters.count >= 32, characters.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw HeliographError(.malformedFrame, "QPIWS reply is not a string of 32 or more digits", bytes: frame)
        }
        raw = payload
        length = characters.count
        var bits: [SetBit] = []
        var active: Set<PI30Warning> = []
        let codeIndices = characters.count >= 36 ? 32..<34 : 0..<0
        for (index, character) in characters.enumerated() where character != "0" && !codeIndices.contains(index) {
            let warning = PI30Warning.at(index, length: characters.count)
            bits.append(SetBit(index: index, name: warning?.rawValue ?? "reserved_a\(index)"))
            if let warning { active.insert(warning) }
        }
        setBits = bits
        self.active = active
        let code = characters.count >= 36 ? String(characters[32...33]) : nil
        faultCode = code == "00" ? nil : code
    }

    /// How severe an active warning is; a9-a11 and a16 are faults only while a1 (inverter fault) is set.
    public func severity(of warning: PI30Warning) -> PI30Warning.Severity {
        switch warning {
        case .overTemperature, .fanLocked, .batteryVoltageHigh, .overload:
            return active.contains(.inverterFault) ? .fault : .warning
        case .inverterFault, .busOver, .busUnder, .busSoftFail, .inverterVoltageTooLow, .inverterVoltageTooHigh,
            .inverterOverCurrent, .inverterSoftFail, .selfTestFail, .opDCVoltageOver, .batteryOpen, .currentSensorFail,
            .batteryShort:
            return .fault
        default:
            return .warning
        }
    }

    /// True when any active bit is a fault.
    public var hasFault: Bool { active.contains { severity(of: $0) == .fault } }

    /// Active warnings sorted by name, for display.
    public var activeNames: [String] { active.map(\.rawValue).sorted() }
}
