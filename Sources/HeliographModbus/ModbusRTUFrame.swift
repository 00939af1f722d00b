import HeliographCore
import NIOCore

/// A Modbus RTU frame: unit address, PDU, CRC-16/MODBUS (low byte first).
///
/// Solarman V5 carries exactly one RTU frame per payload, so decoding works on a whole frame.
public enum ModbusRTUFrame {
    /// Encodes `request` for `unit` with its CRC.
    public static func encode(unit: UInt8, _ request: ModbusRequest, into buffer: inout ByteBuffer) {
        let start = buffer.writerIndex
        buffer.writeInteger(unit)
        request.encode(into: &buffer)
        appendCRC(&buffer, from: start)
    }

    /// Encodes `response` for `unit` with its CRC (the server side, used by simulators).
    public static func encode(unit: UInt8, _ response: ModbusResponse, into buffer: inout ByteBuffer) {
        let start = buffer.writerIndex
        buffer.writeInteger(unit)
        response.encode(into: &buffer)
        appendCRC(&buffer, from: start)
    }

    /// Decodes one whole RTU response frame, checking the CRC. Consumes the whole buffer.
    public static func decodeResponse(from buffer: inout ByteBuffer) throws(HeliographError) -> (unit: UInt8, response: ModbusResponse) {
        var pdu = try checkedPDU(&buffer)
        let unit = pdu.readInteger(as: UInt8.self)!
        return (unit, try ModbusResponse.decode(from: &pdu))
    }

    /// Decodes one whole RTU request frame, checking the CRC (the server side). Consumes the whole buffer.
    public static func decodeRequest(from buffer: inout ByteBuffer) throws(HeliographError) -> (unit: UInt8, request: ModbusRequest) {
        var pdu = try checkedPDU(&buffer)
        let unit = pdu.readInteger(as: UInt8.self)!
        return (unit, try ModbusRequest.decode(from: &pdu))
    }

    private static func appendCRC(_ buffer: inout ByteBuffer, from start: Int) {
        let crc = CRC16Modbus.checksum(buffer.getBytes(at: start, length: buffer.writerIndex - start)!)
        buffer.writeInteger(crc, endianness: .little)
    }

    /// Returns unit + PDU after verifying the trailing CRC.
    private static func checkedPDU(_ buffer: inout ByteBuffer) throws(HeliographError) -> ByteBuffer {
        let bytes = Array(buffer.readableBytesView)
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        guard bytes.count >= 4 else {
            throw HeliographError(.malformedFrame, "Modbus RTU frame shorter than 4 bytes", bytes: bytes)
        }
        let expected = UInt16(bytes[bytes.count - 2]) | UInt16(bytes[bytes.count - 1]) << 8
        let actual = CRC16Modbus.checksum(bytes[..<(bytes.count - 2)])
        guard expected == actual else {
            throw HeliographError(
                .checksumMismatch,
                "Modbus RTU CRC is 0x\(String(expected, radix: 16)), computed 0x\(String(actual, radix: 16))",
                bytes: bytes
            )
        }
        return ByteBuffer(bytes: bytes[..<(bytes.count - 2)])
    }
}
