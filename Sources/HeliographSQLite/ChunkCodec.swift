import HeliographStorageBase
/// Compresses a run of points of one series into a chunk blob, in the Gorilla style.
///
/// Layout: one format byte, then a bit stream with the point count (32 bits), the first time
/// (64 bits) and, per point, the timestamp as a delta-of-delta in milliseconds followed by the value.
/// Timestamp delta-of-deltas use prefix buckets: `0` (same spacing), `10`+7, `110`+9, `1110`+12,
/// `11110`+32 and `11111`+64 bits, so a steady poll interval costs one bit per point.
///
/// Values use one of two encodings, whichever is smaller for the chunk:
/// - `xor`: Gorilla XOR of each double with the previous one: `0` when unchanged; `10` + the meaningful
///   bits when they fit the previous leading/trailing-zero window; otherwise `11` + 5 bits of leading
///   zeros + 6 bits of length − 1 + the meaningful bits. Exact for every bit pattern (NaN, ±inf, −0).
/// - `decimal`: when every value of the chunk is exactly `n / 10^d` for integers `n` (|n| < 2^53) and a
///   small `d` — typical of register values scaled by 0.1 or 0.01 — the integers' deltas are stored in
///   prefix buckets `0`, `10`+4, `110`+8, `1110`+16, `11110`+32, `11111`+64 bits. Only chosen when
///   decoding gives back the identical bit pattern of every value.
enum ChunkCodec {
    enum Format: UInt8 {
        case xor = 1
        case decimal = 2
    }

    /// Largest number of decimal digits the decimal encoding tries.
    static let maximumDecimalDigits = 6
    private static let powersOfTen: [Double] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000]

    /// Encodes points that are sorted by strictly increasing time.
    static func encode(_ points: [StoredPoint]) -> [UInt8] {
        precondition(!points.isEmpty, "a chunk holds at least one point")
        let xor = encode(points, format: .xor, digits: 0)
        guard let digits = decimalDigits(points.map(\.value)) else { return xor }
        let decimal = encode(points, format: .decimal, digits: digits)
        return decimal.count < xor.count ? decimal : xor
    }

    static func decode(_ bytes: [UInt8]) throws(ChunkDecodingError) -> [StoredPoint] {
        guard let first = bytes.first, let format = Format(rawValue: first) else {
            throw ChunkDecodingError("unknown chunk format \(bytes.first.map(String.init) ?? "none")")
        }
        var reader = BitReader(Array(bytes.dropFirst(format == .decimal ? 2 : 1)))
        var digits = 0
        if format == .decimal {
            guard bytes.count > 1, Int(bytes[1]) <= maximumDecimalDigits else { throw ChunkDecodingError("bad decimal digits") }
            digits = Int(bytes[1])
        }
        let count = Int(try reader.readBits(32))
        // Each point costs at least two bits, which bounds a corrupt count before allocating.
        guard count > 0, count <= reader.remainingBits else { throw ChunkDecodingError("implausible point count \(count)") }
        var points: [StoredPoint] = []
        points.reserveCapacity(count)

        var time = Int64(bitPattern: try reader.readBits(64))
        var delta: Int64 = 0
        var xorState = XORState()
        var scaled: Int64 = 0
        for index in 0..<count {
            if index > 0 {
                delta &+= try readTimestampDeltaOfDelta(&reader)
                time &+= delta
            }
            let value: Double
            switch format {
            case .xor:
                value = try xorState.read(&reader, first: index == 0)
            case .decimal:
                if index == 0 {
                    scaled = Int64(bitPattern: try reader.readBits(64))
                } else {
                    scaled &+= try readValueDelta(&reader)
                }
                value = Double(scaled) / powersOfTen[digits]
            }
            points.append(StoredPoint(time: time, value: value))
        }
        return points
    }

    // MARK: Encoding

    private static func encode(_ points: [StoredPoint], format: Format, digits: Int) -> [UInt8] {
        var writer = BitWriter(reservingCapacity: points.count * 2 + 16)
        writer.writeBits(UInt64(points.count), count: 32)
        writer.writeBits(UInt64(bitPattern: points[0].time), count: 64)
        var previousTime = points[0].time
        var previousDelta: Int64 = 0
        var xorState = XORState()
        var previousScaled: Int64 = 0
        for (index, point) in points.enumerated() {
            if index > 0 {
                let delta = point.time &- previousTime
                writeTimestampDeltaOfDelta(delta &- previousDelta, to: &writer)
                previousDelta = delta
                previousTime = point.time
            }
            switch format {
            case .xor:
                xorState.write(point.value, to: &writer, first: index == 0)
            case .decimal:
                let scaled = Int64((point.value * powersOfTen[digits]).rounded())
                if index == 0 {
                    writer.writeBits(UInt64(bitPattern: scaled), count: 64)
                } else {
                    writeValueDelta(scaled &- previousScaled, to: &writer)
                }
                previousScaled = scaled
            }
        }
        var header: [UInt8] = [format.rawValue]
        if format == .decimal { header.append(UInt8(digits)) }
        return header + writer.bytes
    }

    /// The fewest decimal digits that represent every value exactly, or nil.
    static func decimalDigits(_ values: [Double]) -> Int? {
        digitLoop: for digits in 0...maximumDecimalDigits {
            let scale = powersOfTen[digits]
            for value in values {
                guard value.isFinite else { return nil }
                let scaled = (value * scale).rounded()
                guard abs(scaled) < 9_007_199_254_740_992 else { continue digitLoop }
                let back = Double(Int64(scaled)) / scale
                guard back.bitPattern == value.bitPattern else { continue digitLoop }
            }
            return digits
        }
        return nil
    }

    // MARK: Prefix buckets

    private static let timestampBuckets = [7, 9, 12, 32]
    private static let valueBuckets = [4, 8, 16, 32]

    private static func writeTimestampDeltaOfDelta(_ value: Int64, to writer: inout BitWriter) {
        writeBucketed(value, buckets: timestampBuckets, to: &writer)
    }

    private static func readTimestampDeltaOfDelta(_ reader: inout BitReader) throws(ChunkDecodingError) -> Int64 {
        try readBucketed(&reader, buckets: timestampBuckets)
    }

    private static func writeValueDelta(_ value: Int64, to writer: inout BitWriter) {
        writeBucketed(value, buckets: valueBuckets, to: &writer)
    }

    private static func readValueDelta(_ reader: inout BitReader) throws(ChunkDecodingError) -> Int64 {
        try readBucketed(&reader, buckets: valueBuckets)
    }

    /// `0` for zero; otherwise `1`×(k+1) `0` + `buckets[k]` bits of two's complement for the first
    /// bucket that fits, and `1`×(buckets.count+1) + 64 bits when none does.
    private static func writeBucketed(_ value: Int64, buckets: [Int], to writer: inout BitWriter) {
        if value == 0 {
            writer.writeBit(false)
            return
        }
        for (index, width) in buckets.enumerated() {
            let limit = Int64(1) << Int64(width - 1)
            if value >= -limit && value < limit {
                writer.writeBits((1 << UInt64(index + 2)) - 2, count: index + 2)
                writer.writeBits(UInt64(bitPattern: value) & ((1 << UInt64(width)) - 1), count: width)
                return
            }
        }
        writer.writeBits((1 << UInt64(buckets.count + 1)) - 1, count: buckets.count + 1)
        writer.writeBits(UInt64(bitPattern: value), count: 64)
    }

    private static func readBucketed(_ reader: inout BitReader, buckets: [Int]) throws(ChunkDecodingError) -> Int64 {
        var ones = 0
        while ones <= buckets.count, try reader.readBit() { ones += 1 }
        if ones == 0 { return 0 }
        if ones > buckets.count { return Int64(bitPattern: try reader.readBits(64)) }
        let width = buckets[ones - 1]
        let raw = try reader.readBits(width)
        // Sign-extend from `width` bits.
        let shift = UInt64(64 - width)
        return Int64(bitPattern: raw << shift) >> Int64(shift)
    }
}

/// The running state of Gorilla XOR value coding: the previous value and its meaningful-bit window.
private struct XORState {
    var previous: UInt64 = 0
    var leading = -1
    var trailing = 0

    mutating func write(_ value: Double, to writer: inout BitWriter, first: Bool) {
        let bits = value.bitPattern
        defer { previous = bits }
        if first {
            writer.writeBits(bits, count: 64)
            return
        }
        let xor = bits ^ previous
        if xor == 0 {
            writer.writeBit(false)
            return
        }
        writer.writeBit(true)
        let newLeading = min(xor.leadingZeroBitCount, 31)
        let newTrailing = xor.trailingZeroBitCount
        if leading >= 0, newLeading >= leading, newTrailing >= trailing {
            writer.writeBit(false)
            let length = 64 - leading - trailing
            writer.writeBits(xor >> UInt64(trailing), count: length)
        } else {
            writer.writeBit(true)
            let length = 64 - newLeading - newTrailing
            writer.writeBits(UInt64(newLeading), count: 5)
            writer.writeBits(UInt64(length - 1), count: 6)
            writer.writeBits(xor >> UInt64(newTrailing), count: length)
            leading = newLeading
            trailing = newTrailing
        }
    }

    mutating func read(_ reader: inout BitReader, first: Bool) throws(ChunkDecodingError) -> Double {
        if first {
            previous = try reader.readBits(64)
            return Double(bitPattern: previous)
        }
        guard try reader.readBit() else { return Double(bitPattern: previous) }
        if try reader.readBit() {
            leading = Int(try reader.readBits(5))
            let length = Int(try reader.readBits(6)) + 1
            guard leading + length <= 64 else { throw ChunkDecodingError("XOR window out of range") }
            trailing = 64 - leading - length
        } else if leading < 0 {
            throw ChunkDecodingError("XOR window reused before it was set")
        }
        let length = 64 - leading - trailing
        let meaningful = try reader.readBits(length)
        previous ^= meaningful << UInt64(trailing)
        return Double(bitPattern: previous)
    }
}
