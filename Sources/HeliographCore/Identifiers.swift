/// Identifies one device (an inverter, a DTU port group, a sensor set) across the whole daemon.
///
/// Chosen by the user in the config (`devices.<id>`), stable across restarts, used in topics,
/// metric labels and storage keys, so it is restricted to `[a-z0-9_-]`.
public struct DeviceID: RawRepresentable, Hashable, Sendable, Codable, Comparable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// True when the id is usable as a topic level, metric label and file name.
    public var isValid: Bool {
        !rawValue.isEmpty && rawValue.count <= 64
            && rawValue.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
    }

    public init(from decoder: any Decoder) throws { self.rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A snake_case field name that ends in its unit (`battery_voltage_v`, `pv1_power_w`).
///
/// Identical across brands where the meaning is identical: battery state of charge is
/// `battery_soc_pct` for every inverter.
public struct FieldID: RawRepresentable, Hashable, Sendable, Codable, Comparable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws { self.rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// One time series: a numeric field of one device.
public struct SeriesKey: Hashable, Sendable, Codable, CustomStringConvertible {
    public var device: DeviceID
    public var field: FieldID

    public init(device: DeviceID, field: FieldID) {
        self.device = device
        self.field = field
    }

    public var description: String { "\(device)/\(field)" }
}
