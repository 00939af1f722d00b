/// Why the validator rejected a value or a whole sample. Counted per device for /stats and metrics.
public enum DiscardReason: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// A field outside its `FieldDescriptor.plausibleRange` (or not finite); only that field is dropped.
    case outOfRange = "out_of_range"
    /// A key field (battery voltage, state of charge) was implausible, so the whole frame is suspect; sample dropped.
    case keyFieldOutOfRange = "key_field_out_of_range"
    /// Battery state of charge 0 % together with battery voltage 0 V: a blank frame, not a flat battery; sample dropped.
    case zeroBattery = "zero_battery"
    /// Every numeric value is zero right after the device was producing; sample dropped until the zeros persist.
    case allZero = "all_zero"
    /// State of charge moved more than the limit within the window; only that field is dropped until the new level persists.
    case socJump = "soc_jump"

    public var description: String { rawValue }

    /// True when the reason drops the whole sample rather than one field.
    public var discardsSample: Bool {
        switch self {
        case .keyFieldOutOfRange, .zeroBattery, .allZero: true
        case .outOfRange, .socJump: false
        }
    }
}
