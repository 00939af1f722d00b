import HeliographCore

/// The fuzzer's deterministic random source: HeliographCore's SplitMix64, keyed per input.
///
/// Input K of a run is derived from the run seed, the target name and K alone, never from the
/// inputs before it, so `--seed S --start K` rebuilds exactly the input that failed.
/// The system generator cannot do that, and `Hasher` is seeded per process, so neither is used.
public struct FuzzRandom: RandomNumberGenerator, Sendable {
    private var generator: SplitMix64

    public init(state: UInt64) {
        generator = SplitMix64(seed: state)
    }

    /// The generator for input `index` of `target` in a run with `seed`.
    public init(seed: UInt64, target: String, index: Int) {
        var mixer = FuzzRandom(state: seed ^ Self.stableHash(target.utf8))
        let base = mixer.next()
        self.init(state: base ^ (UInt64(bitPattern: Int64(index)) &* 0xD1B5_4A32_D192_ED03))
        _ = next()
    }

    public mutating func next() -> UInt64 {
        generator.next()
    }

    /// A value in `0..<bound` (`bound` > 0); the tiny modulo bias does not matter for fuzzing.
    public mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }

    /// True with probability `percent`/100.
    public mutating func chance(_ percent: Int) -> Bool {
        below(100) < percent
    }

    /// One random byte.
    public mutating func byte() -> UInt8 {
        UInt8(truncatingIfNeeded: next())
    }

    /// `count` random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(byte()) }
        return result
    }

    /// One element of a non-empty array.
    public mutating func pick<Element>(_ elements: [Element]) -> Element {
        elements[below(elements.count)]
    }

    /// A generator keyed by the bytes themselves (libFuzzer inputs, which carry no index).
    public init(hashing bytes: some Sequence<UInt8>) {
        self.init(state: Self.stableHash(bytes))
    }

    /// FNV-1a: the same on every run and machine.
    static func stableHash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}
