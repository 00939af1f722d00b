import HeliographCore
import HeliographModbus
import NIOCore
import NIOTestUtils
import Testing

@Suite struct ModbusTCPFrameTests {
    /// Request and response of the Hoymiles fixture (read 20 registers at 0x1000, transaction 1, unit 1).
    static let request = "00 01 00 00 00 06 01 03 10 00 00 14"
    static let block = "0c 10 33 32 41 63 55 01 01 5e 00 02 09 4d 13 88 00 66 02 ef 00 01 24 47 00 2b 00 03 00 00 00 00 01 07 00 00 00 00 00 00"
    static let response = "00 01 00 00 00 2b 01 03 28 " + block

    @Test func encodesRequestLikeTheCapturedFrame() {
        let frame = ModbusTCPFrame(transactionID: 1, unit: 1, request: .readHoldingRegisters(address: 0x1000, count: 20))
        #expect(frame.bytes == hexBytes(Self.request))
    }

    @Test func decodesResponseToRegisters() throws {
        var decoder = ModbusTCPFrameDecoder()
        var input = buffer(Self.response)
        let frame = try #require(try decoder.decode(buffer: &input))
        #expect(input.readableBytes == 0)
        #expect(frame.transactionID == 1)
        #expect(frame.unit == 1)
        let values = try frame.response().registers(for: .readHoldingRegisters(address: 0x1000, count: 20))
        #expect(values.count == 20)
        #expect(values[0] == 0x0C10)
        #expect(values[19] == 0)
    }

    @Test func decoderHandlesByteAtATimeAndBatchedInput() throws {
        let frames = [
            ModbusTCPFrame(transactionID: 1, unit: 1, pdu: buffer("03 28 " + Self.block)),
            ModbusTCPFrame(transactionID: 2, unit: 7, pdu: buffer("83 02")),
            ModbusTCPFrame(transactionID: 0xFFFF, unit: 255, pdu: buffer("06 00 10 12 34")),
            ModbusTCPFrame(transactionID: 3, unit: 1, pdu: buffer("10 30 00 00 02")),
        ]
        let inputs = frames.map { frame -> (ByteBuffer, [ModbusTCPFrame]) in
            var bytes = ByteBuffer()
            frame.encode(into: &bytes)
            return (bytes, [frame])
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: inputs) { ModbusTCPFrameDecoderHandler() }
    }

    @Test func decodesExceptionResponse() throws {
        var decoder = ModbusTCPFrameDecoder()
        var input = buffer("00 09 00 00 00 03 01 83 02")
        let frame = try #require(try decoder.decode(buffer: &input))
        #expect(try frame.response() == .exception(function: 0x03, code: .illegalDataAddress))
        #expect(throws: HeliographError.self) { try frame.response().registers(for: .readHoldingRegisters(address: 0, count: 1)) }
    }

    @Test func waitsForTruncatedFrameAndReportsItAtEOF() throws {
        var decoder = ModbusTCPFrameDecoder()
        var input = buffer("00 01 00 00 00 2b 01 03 28 0c 10")
        #expect(try decoder.decode(buffer: &input) == nil)
        #expect(input.readableBytes == 11)
        var header = buffer("00 01 00")
        #expect(try decoder.decode(buffer: &header) == nil)
        let error = try #require(throws: HeliographError.self) { try decoder.decodeLast(buffer: &input, seenEOF: true) }
        #expect(error.code == .malformedFrame)
        #expect(error.bytes == hexBytes("00 01 00 00 00 2b 01 03 28 0c 10"))
    }

    @Test(arguments: [
        "00 01 00 05 00 06 01 03 10 00 00 14",  // protocol id 5
        "00 01 00 00 00 01 01",  // length leaves no function code
        "00 01 00 00 01 00 01 03",  // length 256 exceeds the maximum
        "47 45 54 20 2f 20 48 54 54 50",  // an HTTP request: garbage
    ])
    func rejectsGarbageHeaders(_ text: String) throws {
        var decoder = ModbusTCPFrameDecoder()
        var input = buffer(text)
        let error = try #require(throws: HeliographError.self) { try decoder.decode(buffer: &input) }
        #expect(error.code == .malformedFrame)
        #expect(error.bytes?.isEmpty == false)
    }

    @Test func repairsAWrongByteCountOnlyWhenAsked() throws {
        // Some Hoymiles DTUs send 0xFF as byte count; the MBAP length says 6 data bytes follow.
        let frame = ModbusTCPFrame(transactionID: 1, unit: 1, pdu: buffer("03 FF 10 F8 71 60 08 31"))
        #expect(throws: HeliographError.self) { try frame.response() }
        let repaired = try frame.response(repairingByteCount: true)
        #expect(repaired == .registers(function: .readHoldingRegisters, values: [0x10F8, 0x7160, 0x0831]))
        #expect(try repaired.registers(for: .readHoldingRegisters(address: 0x2000, count: 3)).first == 4344)
    }

    @Test func requestRoundTripsThroughTheFrame() throws {
        let requests: [ModbusRequest] = [
            .readHoldingRegisters(address: 0x1028, count: 20),
            .readInputRegisters(address: 7, count: 125),
            .writeSingleRegister(address: 0x3000, value: 0xBEEF),
            .writeMultipleRegisters(address: 0x3001, values: [1, 2, 3]),
        ]
        for (index, request) in requests.enumerated() {
            let frame = ModbusTCPFrame(transactionID: UInt16(index), unit: 3, request: request)
            var bytes = ByteBuffer(bytes: frame.bytes)
            var decoder = ModbusTCPFrameDecoder()
            let decoded = try #require(try decoder.decode(buffer: &bytes))
            #expect(try decoded.request() == request)
        }
    }
}

/// `ByteToMessageDecoderVerifier` needs a `ByteToMessageDecoder`; this adapts the single-step one.
struct ModbusTCPFrameDecoderHandler: ByteToMessageDecoder {
    typealias InboundOut = ModbusTCPFrame
    var decoder = ModbusTCPFrameDecoder()

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try decoder.decode(buffer: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}
