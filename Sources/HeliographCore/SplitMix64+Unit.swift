extension SplitMix64 {
    /// A number in 0..<1 fixed by a seed, an index (a day, an hour, a minute) and a salt that gives
    /// each quantity its own stream: stateless randomness, so simulated weather and loads are the same
    /// whenever they are asked for.
    public static func unit(seed: UInt64, index: Int64, salt: UInt64) -> Double {
        var generator = SplitMix64(seed: seed &+ salt &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(bitPattern: index) &* 0xBF58_476D_1CE4_E5B9)
        return Double(generator.next() >> 11) / Double(UInt64(1) << 53)
    }
}
