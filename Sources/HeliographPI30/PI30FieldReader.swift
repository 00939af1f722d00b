import HeliographCore

/// Reads the space-separated fields of one reply payload, reporting the frame on any failure.
struct PI30FieldReader {
    let name: String
    let tokens: [Substring]
    let frame: [UInt8]

    init(_ name: String, _ payload: String, frame: [UInt8], minimumCount: Int) throws(HeliographError) {
        self.name = name
        // A trailing space before the CRC (QPIGS2) must not count as an empty field. Splitting the
        // UTF-8 view avoids grapheme breaking, which dominated decode time.
        self.tokens = payload.utf8.split(separator: 0x20, omittingEmptySubsequences: true).map { Substring($0) }
        self.frame = frame
        guard tokens.count >= minimumCount else {
            throw HeliographError(.malformedFrame, "\(name) reply has \(tokens.count) fields, expected at least \(minimumCount)", bytes: frame)
        }
    }

    var count: Int { tokens.count }

    func text(_ index: Int) -> String { String(tokens[index]) }

    func optionalText(_ index: Int) -> String? { index < tokens.count ? String(tokens[index]) : nil }

    func number(_ index: Int) throws(HeliographError) -> Double {
        guard let value = Self.decimal(tokens[index]) ?? Double(tokens[index]), value.isFinite else {
            throw HeliographError(.malformedFrame, "\(name) field \(index) \"\(tokens[index])\" is not a number", bytes: frame)
        }
        return value
    }

    /// Fast path for the plain decimals PI30 sends (`057.50`, `-12`): digits, one optional point.
    /// Integer ÷ power of ten is correctly rounded, so the result equals `Double(text)`.
    static func decimal(_ text: Substring) -> Double? {
        var mantissa: Int64 = 0
        var digits = 0
        var decimals = 0
        var seenPoint = false
        var negative = false
        for (offset, byte) in text.utf8.enumerated() {
            switch byte {
            case 0x30...0x39:
                guard digits < 15 else { return nil }
                mantissa = mantissa * 10 + Int64(byte - 0x30)
                digits += 1
                if seenPoint { decimals += 1 }
            case 0x2E where !seenPoint:
                seenPoint = true
            case 0x2D where offset == 0:
                negative = true
            default:
                return nil
            }
        }
        guard digits > 0 else { return nil }
        let value = Double(mantissa) / powersOfTen[decimals]
        return negative ? -value : value
    }

    private static let powersOfTen: [Double] = (0...15).map { exponent in
        (0..<exponent).reduce(1.0) { result, _ in result * 10 }
    }

    /// Nil when the field is absent (older firmware) or `-` (not applicable).
    func optionalNumber(_ index: Int) throws(HeliographError) -> Double? {
        guard index < tokens.count, tokens[index] != "-" else { return nil }
        return try number(index)
    }

    func flag(_ index: Int) throws(HeliographError) -> Bool {
        switch tokens[index] {
        case "0": return false
        case "1": return true
        default: throw HeliographError(.malformedFrame, "\(name) field \(index) \"\(tokens[index])\" is not 0 or 1", bytes: frame)
        }
    }

    /// A fixed-width string of `0`/`1` characters, leftmost first.
    func bits(_ index: Int, count: Int) throws(HeliographError) -> [Bool] {
        try Self.bits(tokens[index], count: count, name: "\(name) field \(index)", frame: frame)
    }

    static func bits(_ text: Substring, count: Int, name: String, frame: [UInt8]) throws(HeliographError) -> [Bool] {
        let digits = text.utf8
        guard digits.count == count, digits.allSatisfy({ $0 == 0x30 || $0 == 0x31 }) else {
            throw HeliographError(.malformedFrame, "\(name) \"\(text)\" is not \(count) bits", bytes: frame)
        }
        return digits.map { $0 == 0x31 }
    }

    func coded(_ index: Int, _ table: [String: String]) -> PI30CodedValue {
        PI30CodedValue(raw: text(index), table: table)
    }

    func optionalCoded(_ index: Int, _ table: [String: String]) -> PI30CodedValue? {
        index < tokens.count ? coded(index, table) : nil
    }
}

/// An enumerated field as the device sent it, with its documented meaning.
public struct PI30CodedValue: Sendable, Hashable, Codable {
    /// The code as sent, e.g. `01`.
    public var raw: String
    /// What the code means, or `unknown` for codes the documents do not list.
    public var meaning: String

    public init(raw: String, meaning: String) {
        self.raw = raw
        self.meaning = meaning
    }

    init(raw: String, table: [String: String]) {
        self.init(raw: raw, meaning: table[raw] ?? "unknown")
    }
}

/// Meanings of PI30 codes, from the Voltronic protocol documents.
enum PI30Codes {
    static let batteryType = [
        "0": "AGM", "1": "Flooded", "2": "User", "3": "Pylontech", "4": "Shinheung", "5": "WECO", "6": "Soltaro",
        "7": "BAK", "8": "LIb", "9": "LIc",
    ]
    static let inputVoltageRange = ["0": "Appliance", "1": "UPS"]
    static let outputSourcePriority = ["0": "Utility first", "1": "Solar first", "2": "SBU first"]
    static let chargerSourcePriority = ["0": "Utility first", "1": "Solar first", "2": "Solar + Utility", "3": "Solar only"]
    static let machineType = ["00": "Grid tie", "01": "Off grid", "10": "Hybrid"]
    static let topology = ["0": "Transformerless", "1": "Transformer"]
    static let outputMode = [
        "0": "Single", "1": "Parallel", "2": "Phase 1 of 3", "3": "Phase 2 of 3", "4": "Phase 3 of 3",
        "5": "Phase 1 of split phase", "6": "Phase 2 of split phase (120°)", "7": "Phase 2 of split phase (180°)",
    ]
    static let pvOKCondition = ["0": "One unit with PV is enough", "1": "All units need PV"]
    static let pvPowerBalance = ["0": "PV max current = max charge current", "1": "PV max power = max charge power + load power"]
    static let operationLogic = ["0": "Automatic", "1": "Online", "2": "ECO"]
    static let buzzer = ["0": "buzzer enabled", "1": "buzzer disabled"]
    static let yesNo = ["0": "no", "1": "yes"]
    static let faultCodes = [
        "00": "No fault", "01": "Fan is locked", "02": "Over temperature", "03": "Battery voltage is too high",
        "04": "Battery voltage is too low", "05": "Output short circuited or over temperature", "06": "Output voltage is too high",
        "07": "Overload time out", "08": "Bus voltage is too high", "09": "Bus soft start failed", "10": "PV over current",
        "11": "Main relay failed or PV over voltage", "12": "DCDC over current", "13": "Battery discharge over current",
        "51": "Over current", "52": "Bus voltage too low", "53": "Inverter soft start failed", "54": "Self-test failed",
        "55": "Over DC voltage on output of inverter", "56": "Battery connection is open", "57": "Current sensor failed",
        "58": "Output voltage is too low", "60": "Power feedback protection", "71": "Parallel firmware inconsistent",
        "72": "Current sharing fault", "80": "CAN communication failed", "81": "Parallel host line lost",
        "82": "Parallel synchronized signal lost", "83": "Parallel battery voltage detect different",
        "84": "Parallel line voltage or frequency detect different", "85": "Parallel line input current unbalanced",
        "86": "Parallel output setting different",
    ]
}
