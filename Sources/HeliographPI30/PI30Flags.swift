import HeliographCore

/// A QFLAG / PE / PD letter.
public enum PI30Flag: String, Sendable, Hashable, Codable, CaseIterable {
    case buzzer = "a"
    case overloadBypass = "b"
    /// PI30MAX only.
    case solarFeedToGrid = "d"
    case powerSaving = "j"
    case lcdEscapeToDefaultPage = "k"
    case overloadRestart = "u"
    case overTemperatureRestart = "v"
    case lcdBacklight = "x"
    case primarySourceInterruptAlarm = "y"
    case faultCodeRecord = "z"

    /// The snake_case name used in JSON and field ids.
    public var name: String {
        switch self {
        case .buzzer: "buzzer"
        case .overloadBypass: "overload_bypass"
        case .solarFeedToGrid: "solar_feed_to_grid"
        case .powerSaving: "power_saving"
        case .lcdEscapeToDefaultPage: "lcd_escape_to_default_page"
        case .overloadRestart: "overload_restart"
        case .overTemperatureRestart: "over_temperature_restart"
        case .lcdBacklight: "lcd_backlight"
        case .primarySourceInterruptAlarm: "primary_source_interrupt_alarm"
        case .faultCodeRecord: "fault_code_record"
        }
    }

    public init?(name: String) {
        guard let flag = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = flag
    }
}

/// QFLAG: `(E<enabled letters>D<disabled letters>`. Encodes as `{"buzzer": true, ...}`.
public struct PI30FlagStatus: Sendable, Hashable, Codable {
    public var enabled: Set<PI30Flag>
    public var disabled: Set<PI30Flag>

    public init(enabled: Set<PI30Flag>, disabled: Set<PI30Flag>) {
        self.enabled = enabled
        self.disabled = disabled
    }

    public init(payload: String, frame: [UInt8] = []) throws(HeliographError) {
        var enabled: Set<PI30Flag> = []
        var disabled: Set<PI30Flag> = []
        var section: Character?
        for character in payload {
            switch character {
            case "E", "D": section = character
            default:
                // Letters the documents do not list are skipped rather than failing the whole reply.
                guard let section, let flag = PI30Flag(rawValue: String(character)) else {
                    if section == nil {
                        throw HeliographError(.malformedFrame, "QFLAG reply must start with E or D", bytes: frame)
                    }
                    continue
                }
                if section == "E" { enabled.insert(flag) } else { disabled.insert(flag) }
            }
        }
        self.init(enabled: enabled, disabled: disabled)
    }

    /// Whether `flag` is on; nil when the device did not report it.
    public func isEnabled(_ flag: PI30Flag) -> Bool? {
        if enabled.contains(flag) { return true }
        if disabled.contains(flag) { return false }
        return nil
    }

    /// The QFLAG payload for this state (used by the simulator).
    public var payload: String {
        let order = PI30Flag.allCases
        return "E" + order.filter(enabled.contains).map(\.rawValue).joined()
            + "D" + order.filter(disabled.contains).map(\.rawValue).joined()
    }

    private struct NameKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: NameKey.self)
        for flag in PI30Flag.allCases {
            if let on = isEnabled(flag) { try container.encode(on, forKey: NameKey(stringValue: flag.name)) }
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: NameKey.self)
        var enabled: Set<PI30Flag> = []
        var disabled: Set<PI30Flag> = []
        for key in container.allKeys {
            guard let flag = PI30Flag(name: key.stringValue) else { continue }
            if try container.decode(Bool.self, forKey: key) { enabled.insert(flag) } else { disabled.insert(flag) }
        }
        self.init(enabled: enabled, disabled: disabled)
    }
}
