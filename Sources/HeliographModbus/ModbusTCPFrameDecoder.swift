import HeliographCore
import NIOCore

/// Splits a Modbus TCP byte stream into frames using the MBAP length.
///
/// A header with a protocol id other than 0, or a length that cannot hold a unit id and a
/// function code or exceeds the Modbus maximum, means the stream is garbage or out of step:
/// the decoder throws (keeping the bytes seen) and the connection should be closed, since TCP
/// offers no way to find the next frame boundary.
public struct ModbusTCPFrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = ModbusTCPFrame

    public init() {}

    public mutating func decode(buffer: inout ByteBuffer) throws -> ModbusTCPFrame? {
        let start = buffer.readerIndex
        guard let transactionID = buffer.getInteger(at: start, as: UInt16.self),
            let protocolID = buffer.getInteger(at: start + 2, as: UInt16.self),
            let length = buffer.getInteger(at: start + 4, as: UInt16.self)
        else { return nil }
        guard protocolID == 0 else {
            throw HeliographError(
                .malformedFrame,
                "Modbus TCP protocol id is \(protocolID), expected 0",
                bytes: Array(buffer.readableBytesView.prefix(64))
            )
        }
        guard length >= 2, Int(length) <= ModbusTCPFrame.maximumPDULength + 1 else {
            throw HeliographError(
                .malformedFrame,
                "Modbus TCP length \(length) outside 2...\(ModbusTCPFrame.maximumPDULength + 1)",
                bytes: Array(buffer.readableBytesView.prefix(64))
            )
        }
        guard buffer.readableBytes >= 6 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 6)
        let unit = buffer.readInteger(as: UInt8.self)!
        let pdu = buffer.readSlice(length: Int(length) - 1)!
        return ModbusTCPFrame(transactionID: transactionID, unit: unit, pdu: pdu)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> ModbusTCPFrame? {
        if let frame = try decode(buffer: &buffer) { return frame }
        guard buffer.readableBytes == 0 || !seenEOF else {
            let bytes = Array(buffer.readableBytesView)
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            throw HeliographError(.malformedFrame, "connection closed inside a Modbus TCP frame", bytes: bytes)
        }
        return nil
    }
}

/// Writes frames; for NIO pipelines and `NIOAsyncChannel` handlers.
public struct ModbusTCPFrameEncoder: MessageToByteEncoder {
    public typealias OutboundIn = ModbusTCPFrame

    public init() {}

    public func encode(data: ModbusTCPFrame, out: inout ByteBuffer) {
        data.encode(into: &out)
    }
}
