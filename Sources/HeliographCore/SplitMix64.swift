/// A small, fast, seeded random number generator (SplitMix64), so simulators, synthetic benchmark
/// data and fuzz runs replay exactly from their seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniformly distributed value in `range`.
    public mutating func next(in range: ClosedRange<Double>) -> Double {
        Double.random(in: range, using: &self)
    }

    /// A uniformly distributed whole number in `-range...range`.
    public mutating func step(_ range: Int) -> Int { Int(next() % UInt64(2 * range + 1)) - range }
}
