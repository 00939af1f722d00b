/// A driver that drops values itself before they reach the validator (caps on what an untrusted
/// source may send). The composition root adds these counts to the device's `discarded` in `/stats`.
public protocol DiscardCountingDriver: Sendable {
    /// Values dropped since start, by reason (`series_cap`, ...); reasons with none may be absent.
    var discardedValues: [String: Int] { get }
}
