import HeliographCore

import struct Foundation.Date

/// Encodes samples as InfluxDB line protocol, one line per sample:
///
/// ```
/// pi30,device=inverter,model=Axpert\ VM\ III battery_soc_pct=87.0,charging=true,operating_mode="Battery" 1732880000000000000
/// ```
///
/// The measurement is the device kind (`pi30`, `deye-hybrid`, …) with an optional prefix; tags are
/// `device`, `model` and any static tags, sorted by key as InfluxDB prefers. Numbers are always
/// floats (so a reading of `50` never becomes an integer field that later floats conflict with),
/// flags booleans, text strings. Timestamps are nanoseconds. Escaping follows the line protocol
/// reference: commas and spaces in measurements; commas, `=` and spaces in tag keys, tag values
/// and field keys; `"` and `\` inside string values. Line breaks cannot be escaped anywhere, so
/// they become spaces. NaN and infinities have no representation and are left out.
public struct LineProtocol: Sendable, Hashable {
    /// Put before every measurement name, e.g. `heliograph_`; default none.
    public var measurementPrefix: String
    /// Tags added to every line, e.g. `site=home`.
    public var staticTags: [String: String]

    public init(measurementPrefix: String = "", staticTags: [String: String] = [:]) {
        self.measurementPrefix = measurementPrefix
        self.staticTags = staticTags
    }

    /// One line (without its line feed) for a sample, or nil when no value is representable.
    /// - Parameter descriptor: the device's descriptor, for kind and model; nil writes measurement `heliograph`.
    public func line(for sample: Sample, descriptor: DeviceDescriptor?) -> String? {
        var fields = ""
        for (field, value) in sample.values.sorted(by: { $0.key < $1.key }) {
            guard let encoded = Self.fieldValue(value, decimals: descriptor?.field(field)?.precision) else { continue }
            if !fields.isEmpty { fields.append(",") }
            Self.appendEscaped(field.rawValue, special: Self.keySpecials, to: &fields)
            fields.append("=")
            fields.append(encoded)
        }
        guard !fields.isEmpty else { return nil }

        var line = ""
        line.reserveCapacity(fields.utf8.count + 96)
        Self.appendEscaped(measurementPrefix + (descriptor?.kind ?? "heliograph"), special: Self.measurementSpecials, to: &line)
        var tags = staticTags
        tags["device"] = sample.device.rawValue
        if let model = descriptor?.model { tags["model"] = model }
        for (key, value) in tags.sorted(by: { $0.key < $1.key }) where !key.isEmpty && !value.isEmpty {
            line.append(",")
            Self.appendEscaped(key, special: Self.keySpecials, to: &line)
            line.append("=")
            Self.appendEscaped(value, special: Self.keySpecials, to: &line)
        }
        line.append(" ")
        line.append(fields)
        line.append(" ")
        line.append(String(Self.nanoseconds(sample.time)))
        return line
    }

    /// Nanoseconds since 1970, rounded to the microsecond (what a `Date` holds reliably).
    public static func nanoseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) * 1_000
    }

    static let measurementSpecials: Set<Unicode.Scalar> = [",", " "]
    static let keySpecials: Set<Unicode.Scalar> = [",", "=", " "]

    /// - Parameter decimals: the field's precision; numbers are rounded to it by `NumberFormat`.
    static func fieldValue(_ value: FieldValue, decimals: Int?) -> String? {
        switch value {
        case .number(let number):
            guard number.isFinite else { return nil }
            // Double's description is the shortest exact form ("87.0", "1e-05"); the parser accepts both.
            return NumberFormat.rounded(number, decimals: decimals).description
        case .flag(let on):
            return on ? "true" : "false"
        case .text(let text):
            var quoted = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"", "\\":
                    quoted.append("\\")
                    quoted.unicodeScalars.append(scalar)
                case "\n", "\r":
                    quoted.append(" ")
                default:
                    quoted.unicodeScalars.append(scalar)
                }
            }
            quoted.append("\"")
            return quoted
        }
    }

    static func appendEscaped(_ text: String, special: Set<Unicode.Scalar>, to output: inout String) {
        for original in text.unicodeScalars {
            let scalar: Unicode.Scalar = original == "\n" || original == "\r" || original == "\t" ? " " : original
            if special.contains(scalar) { output.append("\\") }
            output.unicodeScalars.append(scalar)
        }
    }
}
