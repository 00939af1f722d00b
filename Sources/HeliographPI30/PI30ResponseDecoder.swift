import HeliographCore
import NIOCore

/// Splits the inverter's byte stream into checked reply frames.
///
/// Bytes before a `(` are line noise or HID padding and are dropped. A frame runs to the first CR
/// (or LF, which some firmwares use for QBMS); since CRC bytes are never `(`, CR or LF, the last `(`
/// before the terminator starts the frame, which resynchronises after a partial reply. A frame with
/// a bad CRC is consumed and thrown as `.checksumMismatch` carrying its bytes.
public struct PI30ResponseDecoder: NIOSingleStepByteToMessageDecoder, Sendable {
    public typealias InboundOut = PI30Frame

    /// Longer "frames" are junk; the longest real reply (QPIGS on PI30MAX) is about 135 bytes.
    public static let maximumFrameLength = 512

    public init() {}

    public mutating func decode(buffer: inout ByteBuffer) throws -> PI30Frame? {
        guard let frame = try Self.nextFrame(in: &buffer, startByte: { $0 == 0x28 }) else { return nil }
        return try PI30Frame.validate(frame)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> PI30Frame? {
        if let frame = try decode(buffer: &buffer) { return frame }
        guard buffer.readableBytes > 0 else { return nil }
        let rest = buffer.readBytes(length: buffer.readableBytes) ?? []
        throw HeliographError(.malformedFrame, "PI30 reply truncated: the link closed before CR", bytes: rest)
    }

    /// Finds the next complete frame, dropping bytes before its start; nil when more bytes are needed.
    static func nextFrame(in buffer: inout ByteBuffer, startByte: (UInt8) -> Bool) throws(HeliographError) -> [UInt8]? {
        let view = buffer.readableBytesView
        guard let firstStart = view.firstIndex(where: startByte) else {
            buffer.moveReaderIndex(forwardBy: view.count)
            return nil
        }
        guard let end = view[firstStart...].firstIndex(where: { $0 == 0x0D || $0 == 0x0A }) else {
            buffer.moveReaderIndex(forwardBy: firstStart - view.startIndex)
            if buffer.readableBytes > maximumFrameLength {
                let junk = buffer.readBytes(length: buffer.readableBytes) ?? []
                throw HeliographError(.malformedFrame, "no CR within \(maximumFrameLength) bytes", bytes: junk)
            }
            return nil
        }
        let start = view[firstStart..<end].lastIndex(where: startByte) ?? firstStart
        buffer.moveReaderIndex(forwardBy: start - view.startIndex)
        return buffer.readBytes(length: end - start + 1)
    }
}
