/// The value of one field in one sample.
public enum FieldValue: Sendable, Hashable {
    case number(Double)
    case flag(Bool)
    case text(String)

    /// The value as a number for storage and charts: flags are 0 or 1, text has none.
    public var numeric: Double? {
        switch self {
        case .number(let value): value
        case .flag(let on): on ? 1 : 0
        case .text: nil
        }
    }

    public var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }
}

extension FieldValue: Codable {
    /// Encodes as the bare JSON value (`230.1`, `true`, `"Battery"`) so API and MQTT payloads stay plain.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            self = .flag(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let value): try container.encode(value)
        case .flag(let value): try container.encode(value)
        case .text(let value): try container.encode(value)
        }
    }
}

extension FieldValue: ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral, ExpressibleByStringLiteral {
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(booleanLiteral value: Bool) { self = .flag(value) }
    public init(stringLiteral value: String) { self = .text(value) }
}
