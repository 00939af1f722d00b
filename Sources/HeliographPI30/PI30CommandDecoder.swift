import HeliographCore
import NIOCore

/// What the device side reads: a command with a valid CRC, or bytes it must answer with NAK.
public enum PI30ReceivedCommand: Sendable, Hashable {
    case command(PI30Command)
    /// A line that is not a valid command (bad CRC, lone CR); a real inverter answers NAK.
    case invalid(bytes: [UInt8], reason: String)
}

/// Splits a host-to-inverter byte stream into commands (the reversed codec, for the simulator).
///
/// NUL (HID report padding) and LF before a command are skipped. Never throws on bad input: a
/// device answers NAK and keeps listening.
public struct PI30CommandDecoder: NIOSingleStepByteToMessageDecoder, Sendable {
    public typealias InboundOut = PI30ReceivedCommand

    public init() {}

    public mutating func decode(buffer: inout ByteBuffer) throws -> PI30ReceivedCommand? {
        let view = buffer.readableBytesView
        guard let start = view.firstIndex(where: { $0 != 0x00 && $0 != 0x0A }) else {
            buffer.moveReaderIndex(forwardBy: view.count)
            return nil
        }
        guard let end = view[start...].firstIndex(of: 0x0D) else {
            buffer.moveReaderIndex(forwardBy: start - view.startIndex)
            if buffer.readableBytes > PI30ResponseDecoder.maximumFrameLength {
                let junk = buffer.readBytes(length: buffer.readableBytes) ?? []
                return .invalid(bytes: junk, reason: "no CR within \(PI30ResponseDecoder.maximumFrameLength) bytes")
            }
            return nil
        }
        buffer.moveReaderIndex(forwardBy: start - view.startIndex)
        let frame = buffer.readBytes(length: end - start + 1) ?? []
        return Self.parse(frame)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> PI30ReceivedCommand? {
        try decode(buffer: &buffer)
    }

    /// Checks one CR-terminated command frame.
    public static func parse(_ frame: [UInt8]) -> PI30ReceivedCommand {
        let body = frame.dropLast()
        guard body.count >= 3 else { return .invalid(bytes: frame, reason: "too short for a command and CRC") }
        let text = body.dropLast(2)
        let high = body[body.endIndex - 2]
        let low = body[body.endIndex - 1]
        guard PI30CRC.form(high: high, low: low, matching: PI30CRC.checksum(text)) != nil else {
            return .invalid(bytes: frame, reason: "CRC mismatch")
        }
        guard text.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return .invalid(bytes: frame, reason: "command is not printable ASCII")
        }
        return .command(PI30Command(ascii(text)))
    }
}
