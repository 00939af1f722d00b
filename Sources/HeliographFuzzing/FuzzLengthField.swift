/// Where a frame format keeps a length, so the mutator can lie about it on purpose.
///
/// Decoders trust length fields to size buffers and slices; a length that disagrees with the bytes
/// (short, long, zero, maximal) is the classic way past a bounds check.
public struct FuzzLengthField: Sendable, Hashable {
    public enum Encoding: Sendable, Hashable {
        case uint8
        case uint16BigEndian
        case uint16LittleEndian
        /// MQTT's variable-length "remaining length": 1 to 4 bytes, 7 bits each, low group first.
        case mqttVariable
    }

    /// Offset of the field from the start of the input.
    public var offset: Int
    public var encoding: Encoding

    public init(offset: Int, _ encoding: Encoding) {
        self.offset = offset
        self.encoding = encoding
    }

    /// Writes a misleading value into the field (when the input is long enough to hold it).
    func lie(in bytes: inout [UInt8], _ random: inout FuzzRandom) {
        let actual = max(0, bytes.count - offset)
        let candidates = [0, 1, actual - 1, actual, actual + 1, actual * 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 268_435_455]
        let value = random.chance(80) ? random.pick(candidates) : Int(random.next() % 0x1_0000_0000)
        let clamped = UInt64(clamping: max(0, value))
        switch encoding {
        case .uint8:
            guard offset < bytes.count else { return }
            bytes[offset] = UInt8(truncatingIfNeeded: clamped)
        case .uint16BigEndian:
            guard offset + 1 < bytes.count else { return }
            bytes[offset] = UInt8(truncatingIfNeeded: clamped >> 8)
            bytes[offset + 1] = UInt8(truncatingIfNeeded: clamped)
        case .uint16LittleEndian:
            guard offset + 1 < bytes.count else { return }
            bytes[offset] = UInt8(truncatingIfNeeded: clamped)
            bytes[offset + 1] = UInt8(truncatingIfNeeded: clamped >> 8)
        case .mqttVariable:
            guard offset < bytes.count else { return }
            let old = Self.variableLength(in: bytes, at: offset)
            let encoded = random.chance(10) ? [0xFF, 0xFF, 0xFF, 0xFF, 0x7F] : Self.encodeVariable(Int(min(clamped, 268_435_455)))
            bytes.replaceSubrange(offset..<min(bytes.count, offset + old), with: encoded)
        }
    }

    /// Bytes taken by the MQTT variable length at `offset` (at most 4, or up to the end).
    static func variableLength(in bytes: [UInt8], at offset: Int) -> Int {
        var size = 0
        while offset + size < bytes.count, size < 4 {
            size += 1
            if bytes[offset + size - 1] & 0x80 == 0 { break }
        }
        return max(1, size)
    }

    /// MQTT variable-length encoding of `value` (0...268 435 455).
    static func encodeVariable(_ value: Int) -> [UInt8] {
        var rest = value
        var encoded: [UInt8] = []
        repeat {
            var digit = UInt8(rest % 128)
            rest /= 128
            if rest > 0 { digit |= 0x80 }
            encoded.append(digit)
        } while rest > 0
        return encoded
    }
}
