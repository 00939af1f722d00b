/// How every output writes a number: the API, MQTT, CSV, InfluxDB and Prometheus all round a value
/// to its field's resolution here, so a register scaled by 0.1 reads `231.1`, not
/// `231.10000000000002`, and a value that rounds to zero is `0`, never `-0`.
public enum NumberFormat {
    /// Decimal places kept for a value whose field is unknown: enough for any reading, few enough
    /// to drop binary noise.
    public static let fallbackDecimals = 6

    /// `value` rounded to `decimals` places (clamped to 0...9; nil uses `fallbackDecimals`), with
    /// negative zero made positive. Non-finite values, and values too large to hold a fraction at
    /// that resolution, come back unchanged.
    public static func rounded(_ value: Double, decimals: Int?) -> Double {
        guard value.isFinite else { return value }
        let places = min(max(decimals ?? fallbackDecimals, 0), 9)
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        // Beyond 2^52 a double has no fraction left at this resolution; scaling would only add error.
        guard abs(value) * scale < 0x1p52 else { return value == 0 ? 0 : value }
        let result = (value * scale).rounded() / scale
        return result == 0 ? 0 : result
    }

    /// The rounded value as text: whole numbers without a decimal point (`500`), others in their
    /// shortest exact form (`231.1`).
    public static func text(_ value: Double, decimals: Int?) -> String {
        let result = rounded(value, decimals: decimals)
        if result == result.rounded(), abs(result) < 1e15 { return String(Int64(result)) }
        return String(result)
    }
}

extension FieldValue {
    /// Numbers rounded by `NumberFormat.rounded`; flags and text as they are.
    public func rounded(decimals: Int?) -> FieldValue {
        guard case .number(let number) = self else { return self }
        return .number(NumberFormat.rounded(number, decimals: decimals))
    }
}
