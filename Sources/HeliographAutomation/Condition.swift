import HeliographCore

/// A comparison between field values and numbers, as written in the configuration:
/// `inverter.battery_soc_pct > 90`, `inverter.pv_power_w > inverter.load_power_w + 1500`,
/// `weather.forecast_cloud_cover_3h_pct < 50`.
///
/// Operands are `device.field` references or numbers, joined by `+` and `-` (with spaces around
/// them, since device ids may contain `-`); comparisons are `>`, `>=`, `<`, `<=`, `==`, `!=`.
public struct Condition: Sendable, Hashable, CustomStringConvertible {
    public enum Comparison: String, Sendable, Hashable, CaseIterable {
        case greaterOrEqual = ">=", lessOrEqual = "<=", equal = "==", notEqual = "!="
        case greater = ">", less = "<"

        func holds(_ left: Double, _ right: Double) -> Bool {
            switch self {
            case .greater: left > right
            case .greaterOrEqual: left >= right
            case .less: left < right
            case .lessOrEqual: left <= right
            case .equal: left == right
            case .notEqual: left != right
            }
        }
    }

    public enum Operand: Sendable, Hashable, CustomStringConvertible {
        case field(SeriesKey)
        case number(Double)

        public var description: String {
            switch self {
            case .field(let key): "\(key.device).\(key.field)"
            case .number(let value): format(value)
            }
        }
    }

    /// A sum of signed operands.
    public struct Expression: Sendable, Hashable, CustomStringConvertible {
        public var terms: [(negative: Bool, operand: Operand)]

        public static func == (a: Self, b: Self) -> Bool {
            a.terms.count == b.terms.count && zip(a.terms, b.terms).allSatisfy { $0.negative == $1.negative && $0.operand == $1.operand }
        }

        public func hash(into hasher: inout Hasher) {
            for term in terms {
                hasher.combine(term.negative)
                hasher.combine(term.operand)
            }
        }

        public var fields: [SeriesKey] {
            terms.compactMap { if case .field(let key) = $0.operand { key } else { nil } }
        }

        public var description: String {
            terms.enumerated().map { index, term in
                index == 0 ? (term.negative ? "-\(term.operand)" : "\(term.operand)") : (term.negative ? "- \(term.operand)" : "+ \(term.operand)")
            }.joined(separator: " ")
        }

        /// The value, or nil when a field has no current reading.
        func value(_ lookup: (SeriesKey) -> Double?) -> Double? {
            var total = 0.0
            for term in terms {
                let value: Double
                switch term.operand {
                case .number(let number): value = number
                case .field(let key):
                    guard let reading = lookup(key) else { return nil }
                    value = reading
                }
                total += term.negative ? -value : value
            }
            return total
        }
    }

    public var left: Expression
    public var comparison: Comparison
    public var right: Expression
    /// The text as configured.
    public var text: String

    public var description: String { text }

    /// Every field the condition reads.
    public var fields: [SeriesKey] { left.fields + right.fields }

    /// The outcome with the values seen, e.g. `inverter.battery_soc_pct 92 > 90`; nil `holds` when a
    /// field has no current reading.
    public struct Outcome: Sendable, Hashable {
        public var holds: Bool?
        public var explanation: String
    }

    public func evaluate(_ lookup: (SeriesKey) -> Double?) -> Outcome {
        let leftValue = left.value(lookup), rightValue = right.value(lookup)
        guard let leftValue, let rightValue else {
            let missing = fields.filter { lookup($0) == nil }.map { "\($0.device).\($0.field)" }
            return Outcome(holds: nil, explanation: "\(text): no current value of \(missing.joined(separator: ", "))")
        }
        let holds = comparison.holds(leftValue, rightValue)
        let shown = left.terms.count == 1 && right.terms.count == 1
            ? "\(left) \(format(leftValue)) \(holds ? comparison.rawValue : "not \(comparison.rawValue)") \(right.fields.isEmpty ? format(rightValue) : "\(right) \(format(rightValue))")"
            : "\(left) = \(format(leftValue)) \(holds ? comparison.rawValue : "not \(comparison.rawValue)") \(right) = \(format(rightValue))"
        return Outcome(holds: holds, explanation: shown)
    }

    /// Parses the text; throws `invalidConfiguration` with what is wrong.
    public static func parse(_ text: String) throws(HeliographError) -> Condition {
        let trimmed = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard let (comparison, range) = findComparison(in: trimmed) else {
            throw HeliographError(.invalidConfiguration, "'\(text)' has no comparison; write e.g. inverter.battery_soc_pct > 90 (one of > >= < <= == !=)")
        }
        let left = try parseExpression(String(trimmed[..<range.lowerBound]), in: text)
        let right = try parseExpression(String(trimmed[range.upperBound...]), in: text)
        guard !(left.fields.isEmpty && right.fields.isEmpty) else {
            throw HeliographError(.invalidConfiguration, "'\(text)' compares only numbers; name a field as device.field")
        }
        return Condition(left: left, comparison: comparison, right: right, text: trimmed)
    }

    /// The first comparison operator, two-character ones winning over their one-character prefix.
    private static func findComparison(in text: String) -> (Comparison, Range<String.Index>)? {
        var index = text.startIndex
        while index < text.endIndex {
            for comparison in Comparison.allCases where text[index...].hasPrefix(comparison.rawValue) {
                return (comparison, index..<text.index(index, offsetBy: comparison.rawValue.count))
            }
            index = text.index(after: index)
        }
        return nil
    }

    private static func parseExpression(_ part: String, in text: String) throws(HeliographError) -> Expression {
        let tokens = part.split(separator: " ").map(String.init)
        guard !tokens.isEmpty else { throw HeliographError(.invalidConfiguration, "'\(text)' is missing a side of the comparison") }
        var terms: [(Bool, Operand)] = []
        var negative = false
        var expectOperand = true
        for token in tokens {
            if expectOperand {
                if token == "-" && terms.isEmpty && !negative {
                    negative = true
                    continue
                }
                terms.append((negative, try parseOperand(token, in: text)))
                negative = false
                expectOperand = false
            } else {
                guard token == "+" || token == "-" else {
                    throw HeliographError(.invalidConfiguration, "'\(text)': expected + or - before '\(token)' (put spaces around + and -)")
                }
                negative = token == "-"
                expectOperand = true
            }
        }
        if expectOperand { throw HeliographError(.invalidConfiguration, "'\(text)' ends with an operator") }
        return Expression(terms: terms)
    }

    private static func parseOperand(_ token: String, in text: String) throws(HeliographError) -> Operand {
        if let number = Double(token), number.isFinite { return .number(number) }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, DeviceID(String(parts[0])).isValid,
            parts[1].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
        else {
            throw HeliographError(.invalidConfiguration, "'\(text)': '\(token)' is neither a number nor a device.field reference")
        }
        return .field(SeriesKey(device: DeviceID(String(parts[0])), field: FieldID(String(parts[1]))))
    }
}

/// `92`, `92.5`, `-3`.
func format(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e12 { return String(Int64(value)) }
    return String((value * 100).rounded() / 100)
}
