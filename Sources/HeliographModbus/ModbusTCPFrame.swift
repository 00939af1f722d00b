import HeliographCore
import NIOCore

/// One Modbus TCP application data unit: the MBAP header (transaction id, protocol id 0, length,
/// unit id) and the PDU it carries. The same framing runs in both directions.
public struct ModbusTCPFrame: Sendable, Hashable {
    /// Bytes of the MBAP header, unit id included.
    public static let headerLength = 7
    /// Largest PDU the Modbus spec allows (256-byte RTU ADU minus address and CRC).
    public static let maximumPDULength = 253

    public var transactionID: UInt16
    public var unit: UInt8
    /// Function code and data, without the header.
    public var pdu: ByteBuffer

    public init(transactionID: UInt16, unit: UInt8, pdu: ByteBuffer) {
        self.transactionID = transactionID
        self.unit = unit
        self.pdu = pdu
    }

    /// Writes header and PDU.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(transactionID)
        buffer.writeInteger(UInt16(0))
        buffer.writeInteger(UInt16(truncatingIfNeeded: pdu.readableBytes + 1))
        buffer.writeInteger(unit)
        var copy = pdu
        buffer.writeBuffer(&copy)
    }

    /// The frame as bytes, for logs and errors.
    public var bytes: [UInt8] {
        var buffer = ByteBuffer()
        encode(into: &buffer)
        return Array(buffer.readableBytesView)
    }
}

extension ModbusTCPFrame {
    /// Frames a request PDU (client side).
    public init(transactionID: UInt16, unit: UInt8, request: ModbusRequest) {
        var pdu = ByteBuffer()
        request.encode(into: &pdu)
        self.init(transactionID: transactionID, unit: unit, pdu: pdu)
    }

    /// Frames a response PDU (server side, used by simulators).
    public init(transactionID: UInt16, unit: UInt8, response: ModbusResponse) {
        var pdu = ByteBuffer()
        response.encode(into: &pdu)
        self.init(transactionID: transactionID, unit: unit, pdu: pdu)
    }

    /// Decodes the PDU as a request (server side).
    public func request() throws(HeliographError) -> ModbusRequest {
        var copy = pdu
        return try ModbusRequest.decode(from: &copy)
    }

    /// Decodes the PDU as a response.
    ///
    /// With `repairingByteCount`, a read response whose byte-count byte disagrees with the PDU
    /// length (as some Hoymiles DTUs send) is decoded from the real payload length instead; the
    /// MBAP length already tells where the PDU ends, so nothing is guessed.
    public func response(repairingByteCount: Bool = false) throws(HeliographError) -> ModbusResponse {
        var copy = pdu
        if repairingByteCount { copy = Self.repairedByteCount(copy) }
        return try ModbusResponse.decode(from: &copy)
    }

    /// Replaces a wrong byte count in a 0x03/0x04 response with the real (even) payload length.
    static func repairedByteCount(_ pdu: ByteBuffer) -> ByteBuffer {
        guard let code = pdu.getInteger(at: pdu.readerIndex, as: UInt8.self),
            code == ModbusFunction.readHoldingRegisters.rawValue || code == ModbusFunction.readInputRegisters.rawValue,
            let stated = pdu.getInteger(at: pdu.readerIndex + 1, as: UInt8.self)
        else { return pdu }
        let actual = pdu.readableBytes - 2
        guard actual >= 0, actual % 2 == 0, actual <= 250, Int(stated) != actual else { return pdu }
        var repaired = pdu
        repaired.setInteger(UInt8(actual), at: pdu.readerIndex + 1)
        return repaired
    }
}
