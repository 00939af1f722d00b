import HeliographCore
import NIOCore

/// One Solarman V5 frame: `A5`, length, control code, two sequence bytes, logger serial, payload,
/// an 8-bit sum and `15`. Multi-byte header fields are little-endian.
public struct SolarmanV5Frame: Sendable, Hashable {
    public static let startByte: UInt8 = 0xA5
    public static let endByte: UInt8 = 0x15
    /// Header (11 bytes) plus checksum and end byte.
    public static let overhead = 13
    /// Longer payloads are taken as a false start byte while resynchronising; real frames stay far below.
    public static let maximumPayloadLength = 1_024

    public var controlCode: SolarmanV5ControlCode
    /// Sequence byte chosen by the client (offset 5), echoed in the reply.
    public var sequence: UInt8
    /// The logger's own frame counter (offset 6); clients send 0.
    public var loggerSequence: UInt8
    /// The data-logger stick's serial number (not the inverter's).
    public var loggerSerial: UInt32
    public var payload: [UInt8]

    public init(controlCode: SolarmanV5ControlCode, sequence: UInt8, loggerSequence: UInt8 = 0, loggerSerial: UInt32, payload: [UInt8]) {
        self.controlCode = controlCode
        self.sequence = sequence
        self.loggerSequence = loggerSequence
        self.loggerSerial = loggerSerial
        self.payload = payload
    }

    /// Total size on the wire.
    public var encodedLength: Int { Self.overhead + payload.count }

    /// Writes the whole frame with its checksum.
    public func encode(into buffer: inout ByteBuffer) {
        let start = buffer.writerIndex
        buffer.writeInteger(Self.startByte)
        buffer.writeInteger(UInt16(truncatingIfNeeded: payload.count), endianness: .little)
        buffer.writeInteger(controlCode.rawValue, endianness: .little)
        buffer.writeInteger(sequence)
        buffer.writeInteger(loggerSequence)
        buffer.writeInteger(loggerSerial, endianness: .little)
        buffer.writeBytes(payload)
        let summed = buffer.viewBytes(at: start + 1, length: buffer.writerIndex - start - 1) ?? ByteBufferView()
        buffer.writeInteger(Self.checksum(summed))
        buffer.writeInteger(Self.endByte)
    }

    /// The frame as bytes.
    public var bytes: [UInt8] {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(encodedLength)
        encode(into: &buffer)
        return Array(buffer.readableBytesView)
    }

    /// Low 8 bits of the sum of every byte from the length field through the end of the payload.
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt8 where Bytes.Element == UInt8 {
        var sum: UInt8 = 0
        for byte in bytes { sum &+= byte }
        return sum
    }

    /// Decodes exactly one whole frame, checking start, end, length and checksum.
    public static func decode(_ bytes: [UInt8]) throws(HeliographError) -> SolarmanV5Frame {
        guard bytes.count >= overhead, bytes[0] == startByte else {
            throw HeliographError(.malformedFrame, "not a Solarman V5 frame (no A5 start or shorter than 13 bytes)", bytes: bytes)
        }
        let length = Int(bytes[1]) | Int(bytes[2]) << 8
        guard bytes.count == overhead + length else {
            throw HeliographError(
                .malformedFrame,
                "Solarman V5 length field says \(length) payload bytes, frame has \(bytes.count - overhead)",
                bytes: bytes
            )
        }
        guard bytes[bytes.count - 1] == endByte else {
            throw HeliographError(.malformedFrame, "Solarman V5 frame does not end with 15", bytes: bytes)
        }
        let expected = bytes[bytes.count - 2]
        let actual = checksum(bytes[1..<(bytes.count - 2)])
        guard expected == actual else {
            throw HeliographError(
                .checksumMismatch,
                "Solarman V5 checksum is 0x\(String(expected, radix: 16)), computed 0x\(String(actual, radix: 16))",
                bytes: bytes
            )
        }
        return SolarmanV5Frame(
            controlCode: SolarmanV5ControlCode(rawValue: UInt16(bytes[3]) | UInt16(bytes[4]) << 8),
            sequence: bytes[5],
            loggerSequence: bytes[6],
            loggerSerial: UInt32(bytes[7]) | UInt32(bytes[8]) << 8 | UInt32(bytes[9]) << 16 | UInt32(bytes[10]) << 24,
            payload: Array(bytes[11..<(bytes.count - 2)])
        )
    }
}
