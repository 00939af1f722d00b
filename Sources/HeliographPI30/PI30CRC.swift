/// CRC-16/XMODEM as Voltronic inverters use it, including the reserved-byte quirk.
///
/// The quirk exists because `(`, CR and LF delimit frames: a CRC byte equal to one of them would
/// break framing, so Voltronic adds one to it. Some tools (mppsolar) also bump 0x00 to 0x01; replies
/// in either form are accepted, commands are sent in the Voltronic form.
public enum PI30CRC {
    /// Bytes that never appear as a CRC byte on the wire.
    static let reservedBytes: Set<UInt8> = [0x28, 0x0D, 0x0A]

    /// The raw CRC-16/XMODEM (polynomial 0x1021, init 0, not reflected, no final xor).
    public static func checksum<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc = (crc << 8) ^ table[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ byte)]
        }
        return crc
    }

    /// The two bytes Voltronic sends for `crc`: high then low, each bumped by one if reserved.
    public static func wireBytes(_ crc: UInt16) -> (high: UInt8, low: UInt8) {
        (bumped(UInt8(crc >> 8)), bumped(UInt8(truncatingIfNeeded: crc)))
    }

    /// The two bytes mppsolar sends: the Voltronic form with 0x00 also bumped to 0x01.
    public static func mppsolarWireBytes(_ crc: UInt16) -> (high: UInt8, low: UInt8) {
        let (high, low) = wireBytes(crc)
        return (high == 0 ? 1 : high, low == 0 ? 1 : low)
    }

    /// Which wire form two received CRC bytes match for `crc`, or nil when they match neither.
    public static func form(high: UInt8, low: UInt8, matching crc: UInt16) -> PI30ChecksumForm? {
        let voltronic = wireBytes(crc)
        if voltronic.high == high && voltronic.low == low { return .voltronic }
        let mppsolar = mppsolarWireBytes(crc)
        if mppsolar.high == high && mppsolar.low == low { return .mppsolar }
        return nil
    }

    private static func bumped(_ byte: UInt8) -> UInt8 {
        reservedBytes.contains(byte) ? byte &+ 1 : byte
    }

    private static let table: [UInt16] = (0..<256).map { index in
        var crc = UInt16(index) << 8
        for _ in 0..<8 {
            crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1
        }
        return crc
    }
}

/// How the CRC of a received frame was written.
public enum PI30ChecksumForm: String, Sendable, Hashable, Codable {
    /// Reserved bytes (`(`, CR, LF) bumped by one, as Voltronic firmware does.
    case voltronic
    /// Additionally 0x00 bumped to 0x01, as mppsolar does.
    case mppsolar
    /// No CRC at all: only a bare `(NAK` is accepted this way.
    case absent
}
