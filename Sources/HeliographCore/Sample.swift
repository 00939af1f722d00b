import struct Foundation.Date

/// One reading of one device at one instant.
public struct Sample: Sendable, Hashable, Codable {
    public var device: DeviceID
    public var time: Date
    public var values: [FieldID: FieldValue]

    public init(device: DeviceID, time: Date, values: [FieldID: FieldValue]) {
        self.device = device
        self.time = time
        self.values = values
    }

    public subscript(field: FieldID) -> FieldValue? {
        get { values[field] }
        set { values[field] = newValue }
    }

    /// Numeric value of a field, if present and numeric.
    public func number(_ field: FieldID) -> Double? { values[field]?.numeric }

    /// Merges `other` into this sample; `other` wins on conflicts. Used when one poll issues several queries.
    public mutating func merge(_ other: [FieldID: FieldValue]) {
        values.merge(other) { _, new in new }
    }
}
