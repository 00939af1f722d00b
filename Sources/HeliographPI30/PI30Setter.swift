import HeliographCore

/// Output source priority (POP / QPIRI field 16).
public enum PI30OutputSourcePriority: Int, Sendable, Hashable, Codable, CaseIterable {
    /// Utility first (PI30MAX: utility, solar, battery).
    case utility = 0
    /// Solar first (PI30MAX: solar, utility, battery).
    case solar = 1
    /// Solar, battery, utility.
    case sbu = 2

    /// The label used in settings and fields.
    public var label: String {
        switch self {
        case .utility: "utility"
        case .solar: "solar"
        case .sbu: "sbu"
        }
    }

    public init?(label: String) {
        guard let value = Self.allCases.first(where: { $0.label == label }) else { return nil }
        self = value
    }
}

/// Charger source priority (PCP / QPIRI field 17).
public enum PI30ChargerSourcePriority: Int, Sendable, Hashable, Codable, CaseIterable {
    /// Not on PI30MAX.
    case utility = 0
    case solar = 1
    case solarAndUtility = 2
    case solarOnly = 3

    /// The label used in settings and fields.
    public var label: String {
        switch self {
        case .utility: "utility"
        case .solar: "solar"
        case .solarAndUtility: "solar_utility"
        case .solarOnly: "solar_only"
        }
    }

    public init?(label: String) {
        guard let value = Self.allCases.first(where: { $0.label == label }) else { return nil }
        self = value
    }
}

/// A setting command. `command()` checks that the value can be written in the protocol's syntax;
/// whether the device accepts it (battery ranges, current lists) is its answer, ACK or NAK.
public enum PI30Setter: Sendable, Hashable {
    /// POPnn.
    case outputSourcePriority(PI30OutputSourcePriority)
    /// PCPnn.
    case chargerSourcePriority(PI30ChargerSourcePriority)
    /// PBCVnn.n: the voltage at which the inverter goes back to utility.
    case batteryRechargeVoltage(Double)
    /// PBDVnn.n: the voltage at which it goes back to battery; 0 means "when full".
    case batteryRedischargeVoltage(Double)
    /// MUCHGCmnn: max utility charging current of parallel unit `unit`.
    case maxUtilityChargingCurrent(amps: Int, unit: Int = 0)
    /// MCHGCmnn (MNCHGCmnnn from 100 A): max total charging current of parallel unit `unit`.
    case maxChargingCurrent(amps: Int, unit: Int = 0)
    /// PE<letters>.
    case enable([PI30Flag])
    /// PD<letters>.
    case disable([PI30Flag])

    /// The command for this setter, or `.settingRejected` when the value has no valid encoding.
    public func command() throws(HeliographError) -> PI30Command {
        switch self {
        case .outputSourcePriority(let priority):
            return PI30Command("POP" + padded(priority.rawValue, 2))
        case .chargerSourcePriority(let priority):
            return PI30Command("PCP" + padded(priority.rawValue, 2))
        case .batteryRechargeVoltage(let volts):
            return PI30Command("PBCV" + (try voltage(volts, "battery re-charge voltage")))
        case .batteryRedischargeVoltage(let volts):
            return PI30Command("PBDV" + (try voltage(volts, "battery re-discharge voltage")))
        case .maxUtilityChargingCurrent(let amps, let unit):
            try check(amps: amps, unit: unit)
            return PI30Command("MUCHGC\(unit)" + padded(amps, amps > 99 ? 3 : 2))
        case .maxChargingCurrent(let amps, let unit):
            try check(amps: amps, unit: unit)
            return PI30Command(amps > 99 ? "MNCHGC\(unit)" + padded(amps, 3) : "MCHGC\(unit)" + padded(amps, 2))
        case .enable(let flags):
            return PI30Command("PE" + (try letters(flags)))
        case .disable(let flags):
            return PI30Command("PD" + (try letters(flags)))
        }
    }

    /// Recognises a setter command (the simulator's side); nil for anything else or bad syntax.
    public init?(_ command: PI30Command) {
        let text = command.text
        func tail(_ prefix: String) -> Substring? { text.hasPrefix(prefix) ? text.dropFirst(prefix.count) : nil }
        func digits(_ part: Substring) -> Int? { part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber) ? Int(part) : nil }
        func volts(_ part: Substring) -> Double? {
            let pieces = part.split(separator: ".", omittingEmptySubsequences: false)
            guard pieces.count == 2, pieces[0].count == 2, pieces[1].count == 1, digits(pieces[0]) != nil, digits(pieces[1]) != nil
            else { return nil }
            return Double(part)
        }
        if let rest = tail("POP"), rest.count == 2, let code = digits(rest), let value = PI30OutputSourcePriority(rawValue: code) {
            self = .outputSourcePriority(value)
        } else if let rest = tail("PCP"), rest.count == 2, let code = digits(rest), let value = PI30ChargerSourcePriority(rawValue: code) {
            self = .chargerSourcePriority(value)
        } else if let rest = tail("PBCV"), let value = volts(rest) {
            self = .batteryRechargeVoltage(value)
        } else if let rest = tail("PBDV"), let value = volts(rest) {
            self = .batteryRedischargeVoltage(value)
        } else if let rest = tail("MUCHGC"), rest.count == 3 || rest.count == 4, let unit = digits(rest.prefix(1)), let amps = digits(rest.dropFirst()) {
            self = .maxUtilityChargingCurrent(amps: amps, unit: unit)
        } else if let rest = tail("MNCHGC"), rest.count == 4, let unit = digits(rest.prefix(1)), let amps = digits(rest.dropFirst()) {
            self = .maxChargingCurrent(amps: amps, unit: unit)
        } else if let rest = tail("MCHGC"), rest.count == 3, let unit = digits(rest.prefix(1)), let amps = digits(rest.dropFirst()) {
            self = .maxChargingCurrent(amps: amps, unit: unit)
        } else if let rest = tail("PE") ?? tail("PD"), !rest.isEmpty {
            var flags: [PI30Flag] = []
            for letter in rest {
                guard let flag = PI30Flag(rawValue: String(letter)) else { return nil }
                flags.append(flag)
            }
            self = text.hasPrefix("PE") ? .enable(flags) : .disable(flags)
        } else {
            return nil
        }
    }
}

private func padded(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

/// `nn.n`: the only voltage syntax the inverter accepts (`48.0`, never `48`).
private func voltage(_ volts: Double, _ what: String) throws(HeliographError) -> String {
    let tenths = (volts * 10).rounded()
    guard volts.isFinite, volts >= 0, tenths <= 999, abs(volts * 10 - tenths) < 1e-6 else {
        throw HeliographError(.settingRejected, "\(what) must be 0.0...99.9 V in 0.1 V steps; got \(volts)")
    }
    let whole = Int(tenths) / 10
    return padded(whole, 2) + "." + String(Int(tenths) % 10)
}

private func check(amps: Int, unit: Int) throws(HeliographError) {
    guard (0...9).contains(unit) else {
        throw HeliographError(.settingRejected, "parallel unit must be 0...9; got \(unit)")
    }
    guard (0...999).contains(amps) else {
        throw HeliographError(.settingRejected, "charge current must be 0...999 A; got \(amps)")
    }
}

private func letters(_ flags: [PI30Flag]) throws(HeliographError) -> String {
    guard !flags.isEmpty else { throw HeliographError(.settingRejected, "PE/PD needs at least one flag") }
    return flags.map(\.rawValue).joined()
}
