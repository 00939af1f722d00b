/// Inputs that once crashed, hung or blew up a decoder, kept so the fix stays fixed.
///
/// Each holds the exact bytes and the run position that found them; the CI test replays every
/// one through its target. The decoder's own test suite also holds a test for the fix.
public struct FuzzRegression: Sendable {
    public var target: String
    /// Where the fuzzer found it: `heliograph fuzz TARGET --seed S --start K --inputs 1`.
    public var seed: UInt64
    public var index: Int
    public var bytes: [UInt8]
    /// What went wrong and what fixed it.
    public var note: String

    /// Runs the input through its target as the fuzzer did; true when the decoder accepted it.
    public func replay() -> Bool? {
        guard let target = FuzzTargets.named(target) else { return nil }
        var random = target.input(seed: seed, index: index).random
        return target.body(bytes, &random)
    }
}

public enum FuzzRegressions {
    /// Every regression input, oldest first.
    public static let all: [FuzzRegression] = []
}
