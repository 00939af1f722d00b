/// FNV-1a over 64 bits: the same input hashes the same in every process. Swift's `Hasher` is seeded
/// afresh at each launch, so a fingerprint kept in a file must not come from it.
struct StableHasher: Sendable {
    private static let prime: UInt64 = 0x0000_0100_0000_01b3
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func combine(_ number: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { mix(UInt8(truncatingIfNeeded: number >> UInt64(shift))) }
    }

    mutating func combine(_ number: Int64) { combine(UInt64(bitPattern: number)) }

    mutating func combine(_ number: Int) { combine(Int64(number)) }

    mutating func combine(_ number: Double) { combine(number.bitPattern) }

    /// The text's bytes, then its length, so `"ab", "c"` and `"a", "bc"` differ.
    mutating func combine(_ text: String) {
        for byte in text.utf8 { mix(byte) }
        combine(text.utf8.count)
    }

    private mutating func mix(_ byte: UInt8) {
        value ^= UInt64(byte)
        value &*= Self.prime
    }
}
