import HeliographCore
import HeliographPI30
import NIOCore
import NIOTestUtils
import Testing

@Suite("PI30 response decoder")
struct PI30DecoderTests {
    static let ack = bytes(hex: "2841434b39200d")
    static let qmod = bytes(hex: "2842e7c90d")
    static let qflag = bytes(hex: "2845616b787944626a75767a2f290d")
    static let qbms = bytes(hex: "283020313030203020302031203533322035333220343530203030303020303033300e5e0a")

    static func frame(_ bytes: [UInt8]) throws -> PI30Frame { try PI30Frame.validate(bytes) }

    @Test("verifier: drip feed, batches and single frames")
    func verifier() throws {
        let pairs: [(ByteBuffer, [PI30Frame])] = try [
            (ByteBuffer(bytes: Self.ack), [Self.frame(Self.ack)]),
            (ByteBuffer(bytes: Self.qmod), [Self.frame(Self.qmod)]),
            (ByteBuffer(bytes: Self.qflag), [Self.frame(Self.qflag)]),
            (ByteBuffer(bytes: Self.qbms), [Self.frame(Self.qbms)]),
        ]
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { PI30ResponseDecoder() }
    }

    @Test("byte-at-a-time feeding yields the frame only at CR")
    func byteAtATime() throws {
        var decoder = PI30ResponseDecoder()
        var buffer = ByteBuffer()
        for (index, byte) in Self.qflag.enumerated() {
            buffer.writeInteger(byte)
            let result = try decoder.decode(buffer: &buffer)
            if index < Self.qflag.count - 1 {
                #expect(result == nil)
            } else {
                #expect(result?.payload == "EakxyDbjuvz")
            }
        }
    }

    @Test("a truncated frame waits for more bytes; EOF reports it with the bytes")
    func truncated() throws {
        var decoder = PI30ResponseDecoder()
        var buffer = ByteBuffer(bytes: Self.qflag.dropLast(3))
        #expect(try decoder.decode(buffer: &buffer) == nil)
        #expect(buffer.readableBytes == Self.qflag.count - 3)
        #expect {
            _ = try decoder.decodeLast(buffer: &buffer, seenEOF: true)
        } throws: { error in
            (error as? HeliographError)?.code == .malformedFrame && (error as? HeliographError)?.bytes == Array(Self.qflag.dropLast(3))
        }
    }

    @Test("a CRC failure throws checksumMismatch with the frame, and the next frame still decodes")
    func crcFailure() throws {
        var corrupted = Self.qflag
        corrupted[3] ^= 0x20
        var decoder = PI30ResponseDecoder()
        var buffer = ByteBuffer(bytes: corrupted + Self.ack)
        #expect {
            _ = try decoder.decode(buffer: &buffer)
        } throws: { error in
            let error = error as? HeliographError
            return error?.code == .checksumMismatch && error?.bytes == corrupted && error?.description.contains("CRC") == true
        }
        #expect(try decoder.decode(buffer: &buffer)?.payload == "ACK")
    }

    @Test("garbage, HID padding and a partial reply before a frame are skipped")
    func garbage() throws {
        var decoder = PI30ResponseDecoder()
        let noise: [UInt8] = [0x00, 0x00, 0xFF, 0x41, 0x0D, 0x0A] + Array("(VERF".utf8)
        var buffer = ByteBuffer(bytes: noise + Self.ack + [0, 0, 0, 0] + Self.qmod)
        #expect(try decoder.decode(buffer: &buffer)?.payload == "ACK")
        #expect(try decoder.decode(buffer: &buffer)?.payload == "B")
        #expect(try decoder.decode(buffer: &buffer) == nil)
        #expect(buffer.readableBytes == 0)
    }

    @Test("endless junk without CR is rejected instead of buffered forever")
    func junkWithoutTerminator() throws {
        var decoder = PI30ResponseDecoder()
        var buffer = ByteBuffer(bytes: [0x28] + Array(repeating: 0x41, count: PI30ResponseDecoder.maximumFrameLength + 10))
        #expect(throws: HeliographError.self) { try decoder.decode(buffer: &buffer) }
        var noStart = ByteBuffer(bytes: Array(repeating: 0x41, count: 2_000))
        #expect(try decoder.decode(buffer: &noStart) == nil)
        #expect(noStart.readableBytes == 0)
    }

    @Test("HID reassembler joins 8-byte reports and drops the padding")
    func hidReassembler() throws {
        let frame = PI30Frame.responseBytes(
            payload: "230.0 21.7 230.0 50.0 21.7 5000 4000 48.0 46.0 42.0 56.4 54.0 0 10 010 1 0 0 6 01 0 0 54.0 0 1"
        )
        var reassembler = PI30HIDReassembler()
        #expect(reassembler.append([0, 0, 0, 0, 0, 0, 0, 0]) == nil)
        let reports = PI30HIDFraming.reports(for: frame)
        #expect(reports.allSatisfy { $0.count == 8 })
        var result: [UInt8]?
        for (index, report) in reports.enumerated() {
            result = reassembler.append(report)
            #expect((result != nil) == (index == reports.count - 1))
        }
        #expect(result == frame)
        #expect(reassembler.pendingBytes.isEmpty)
        // The same reports through the stream decoder give the same frame.
        var decoder = PI30ResponseDecoder()
        var buffer = ByteBuffer(bytes: reports.flatMap { $0 })
        #expect(try decoder.decode(buffer: &buffer)?.bytes == frame)
    }

    @Test("command decoder: HID padding skipped, lone CR and bad CRC become invalid")
    func commandDecoder() throws {
        var decoder = PI30CommandDecoder()
        let padded = PI30HIDFraming.reports(for: PI30Command("MCHGC090").frameBytes).flatMap { $0 }
        var buffer = ByteBuffer(bytes: padded + [0x0D] + PI30Command.qpigs.frameBytes)
        #expect(try decoder.decode(buffer: &buffer) == .command("MCHGC090"))
        guard case .invalid = try decoder.decode(buffer: &buffer) else {
            Issue.record("lone CR should be invalid")
            return
        }
        #expect(try decoder.decode(buffer: &buffer) == .command("QPIGS"))
    }
}

@Suite("PI30 number parsing")
struct PI30NumberTests {
    @Test("fixed-width decimals decode exactly as Double(text) does")
    func decimals() throws {
        var payload: [String] = ["000.0", "057.50", "-12", "0014", "103.8", "57.45", "00000", "49.9", "0.1", "99.99"]
        for whole in stride(from: 0, to: 100_000, by: 997) {
            for fraction in ["0", "05", "50", "499", "999", "001"] { payload.append("\(whole).\(fraction)") }
        }
        let status = try PI30CurrentOptions(payload: payload.joined(separator: " "))
        #expect(status.optionsA == payload.map { Double($0)! })
    }
}
