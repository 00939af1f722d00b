import HeliographStorageBase
/// Appends bit fields, most significant bit first, to a growing byte array.
///
/// The unit of the Gorilla chunk format: each field is written with an explicit width so the
/// reader can take it back with the same width.
struct BitWriter: Sendable {
    private(set) var bytes: [UInt8] = []
    /// Bits already used in the last byte (0 means the last byte is full or there is none).
    private var usedBitsInLastByte = 0

    init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Total bits written.
    var bitCount: Int { bytes.count * 8 - (usedBitsInLastByte == 0 ? 0 : 8 - usedBitsInLastByte) }

    mutating func writeBit(_ bit: Bool) {
        writeBits(bit ? 1 : 0, count: 1)
    }

    /// Writes the low `count` bits of `value` (0...64), most significant first.
    mutating func writeBits(_ value: UInt64, count: Int) {
        precondition((0...64).contains(count), "bit count out of range")
        var remaining = count
        while remaining > 0 {
            if usedBitsInLastByte == 0 { bytes.append(0) }
            let free = 8 - usedBitsInLastByte
            let take = min(free, remaining)
            // The next `take` bits of the field, counted from its most significant end.
            let shift = remaining - take
            let chunk = UInt8(truncatingIfNeeded: (value >> UInt64(shift)) & ((1 << UInt64(take)) - 1))
            bytes[bytes.count - 1] |= chunk << UInt8(free - take)
            usedBitsInLastByte = (usedBitsInLastByte + take) % 8
            remaining -= take
        }
    }
}

/// Reads bit fields written by `BitWriter`, throwing instead of reading past the end.
struct BitReader: Sendable {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var remainingBits: Int { bytes.count * 8 - position }

    mutating func readBit() throws(ChunkDecodingError) -> Bool {
        try readBits(1) == 1
    }

    /// Reads `count` bits (0...64) as an unsigned number.
    mutating func readBits(_ count: Int) throws(ChunkDecodingError) -> UInt64 {
        guard (0...64).contains(count) else { throw ChunkDecodingError("bit count \(count) out of range") }
        guard count <= remainingBits else { throw ChunkDecodingError("truncated chunk: wanted \(count) bits, \(remainingBits) left") }
        var value: UInt64 = 0
        var remaining = count
        while remaining > 0 {
            let byte = bytes[position >> 3]
            let offset = position & 7
            let available = 8 - offset
            let take = min(available, remaining)
            let chunk = (UInt64(byte) >> UInt64(available - take)) & ((1 << UInt64(take)) - 1)
            value = (take == 64 ? 0 : value << UInt64(take)) | chunk
            position += take
            remaining -= take
        }
        return value
    }
}

/// A chunk blob that cannot be decoded; the store reports it as a storage failure.
struct ChunkDecodingError: Error, Sendable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
