extension Duration {
    /// Seconds to the millisecond with trailing zeros dropped, for messages people read:
    /// `5 s`, `0.2 s`, `15.72 s` (where `description` may say `15.719999999999999 seconds`).
    public var readable: String {
        let milliseconds = components.seconds * 1_000 + (components.attoseconds + 500_000_000_000_000) / 1_000_000_000_000_000
        let whole = milliseconds / 1_000
        var fraction = String(abs(milliseconds % 1_000))
        while fraction.count < 3 { fraction = "0" + fraction }
        while fraction.hasSuffix("0") { fraction.removeLast() }
        let sign = milliseconds < 0 && whole == 0 ? "-" : ""
        return fraction.isEmpty ? "\(sign)\(whole) s" : "\(sign)\(whole).\(fraction) s"
    }
}
