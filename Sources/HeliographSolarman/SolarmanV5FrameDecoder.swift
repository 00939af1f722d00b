import HeliographCore
import NIOCore

/// What the stream decoder found: a valid frame, or bytes it skipped and why.
public enum SolarmanV5Inbound: Sendable {
    case frame(SolarmanV5Frame)
    /// Bytes that were not a valid frame (garbage between frames, a bad checksum, a false start byte).
    /// They are reported, not thrown, so one bad frame never ends the connection.
    case skipped(HeliographError)
}

/// Cuts a TCP byte stream into V5 frames.
///
/// The stream may carry non-V5 bytes (AT replies from other bus masters), fragments and several frames
/// per read, so it searches for `A5`, checks that the length field, end byte and checksum agree, and
/// slices out exactly 13 + length bytes. Anything else is reported as `.skipped` and stepped over.
public struct SolarmanV5FrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = SolarmanV5Inbound

    public init() {}

    public mutating func decode(buffer: inout ByteBuffer) throws -> SolarmanV5Inbound? {
        guard buffer.readableBytes > 0 else { return nil }
        let view = buffer.readableBytesView
        guard let start = view.firstIndex(of: SolarmanV5Frame.startByte) else {
            let junk = buffer.readBytes(length: buffer.readableBytes)!
            return .skipped(HeliographError(.malformedFrame, "\(junk.count) bytes outside any Solarman V5 frame", bytes: junk))
        }
        if start != view.startIndex {
            let junk = buffer.readBytes(length: start - view.startIndex)!
            return .skipped(HeliographError(.malformedFrame, "\(junk.count) bytes outside any Solarman V5 frame", bytes: junk))
        }
        guard let length = buffer.getInteger(at: buffer.readerIndex + 1, endianness: .little, as: UInt16.self) else { return nil }
        guard Int(length) <= SolarmanV5Frame.maximumPayloadLength else {
            return skipStartByte(&buffer, "A5 followed by an implausible length \(length)")
        }
        let total = SolarmanV5Frame.overhead + Int(length)
        guard buffer.readableBytes >= total else { return nil }
        guard buffer.getInteger(at: buffer.readerIndex + total - 1, as: UInt8.self) == SolarmanV5Frame.endByte else {
            return skipStartByte(&buffer, "A5 at a position where no frame ends with 15 after \(total) bytes")
        }
        let bytes = buffer.readBytes(length: total)!
        do {
            return .frame(try SolarmanV5Frame.decode(bytes))
        } catch {
            return .skipped(error)
        }
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> SolarmanV5Inbound? {
        if let inbound = try decode(buffer: &buffer) { return inbound }
        guard buffer.readableBytes > 0 else { return nil }
        let rest = buffer.readBytes(length: buffer.readableBytes)!
        return .skipped(HeliographError(.malformedFrame, "connection closed inside a Solarman V5 frame", bytes: rest))
    }

    /// Steps over a start byte that did not begin a valid frame, so the search resumes one byte later.
    private func skipStartByte(_ buffer: inout ByteBuffer, _ reason: String) -> SolarmanV5Inbound {
        let shown = buffer.getBytes(at: buffer.readerIndex, length: min(buffer.readableBytes, 64)) ?? []
        buffer.moveReaderIndex(forwardBy: 1)
        return .skipped(HeliographError(.malformedFrame, reason, bytes: shown))
    }
}

extension SolarmanV5Inbound: Equatable {
    /// Skipped items compare by error code, message and bytes (the underlying error is not compared).
    public static func == (lhs: SolarmanV5Inbound, rhs: SolarmanV5Inbound) -> Bool {
        switch (lhs, rhs) {
        case (.frame(let left), .frame(let right)):
            left == right
        case (.skipped(let left), .skipped(let right)):
            left.code == right.code && left.message == right.message && left.bytes == right.bytes
        default:
            false
        }
    }
}
