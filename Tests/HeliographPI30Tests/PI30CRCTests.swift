import HeliographCore
import HeliographPI30
import Testing

@Suite("PI30 CRC and command framing")
struct PI30CRCTests {
    @Test("CRC-16/XMODEM check value")
    func checkValue() {
        #expect(PI30CRC.checksum(Array("123456789".utf8)) == 0x31C3)
    }

    @Test("every command vector: raw CRC, wire frame and HID reports")
    func commandVectors() throws {
        let vectors = try PI30Fixtures.commandVectors()
        #expect(vectors.count > 60)
        for vector in vectors {
            let text = try #require(vector["command"]?.string)
            let command = PI30Command(text)
            let raw = PI30CRC.checksum(Array(text.utf8))
            #expect(String(format: "%04x", raw) == vector["crc_xmodem_raw"]?.string, "raw CRC of \(text)")
            #expect(hexString(command.frameBytes) == vector["frame_hex"]?.string, "frame of \(text)")
            let reports = PI30HIDFraming.reports(for: command.frameBytes).map(hexString)
            #expect(reports == vector["hidraw_8byte_reports_hex"]?.array.compactMap(\.string), "HID reports of \(text)")
        }
    }

    @Test("quirk: reserved bytes bumped independently; 0x00 only in the mppsolar form")
    func quirk() {
        #expect(PI30CRC.wireBytes(0xE20A) == (0xE2, 0x0B))
        #expect(PI30CRC.wireBytes(0x4928) == (0x49, 0x29))
        #expect(PI30CRC.wireBytes(0x0D8F) == (0x0E, 0x8F))
        #expect(PI30CRC.wireBytes(0x280A) == (0x29, 0x0B))
        #expect(PI30CRC.wireBytes(0x0007) == (0x00, 0x07))
        #expect(PI30CRC.mppsolarWireBytes(0x0007) == (0x01, 0x07))
        #expect(PI30CRC.form(high: 0x00, low: 0x07, matching: 0x0007) == .voltronic)
        #expect(PI30CRC.form(high: 0x01, low: 0x07, matching: 0x0007) == .mppsolar)
        #expect(PI30CRC.form(high: 0xE2, low: 0x0A, matching: 0xE20A) == nil, "the unbumped reserved byte would break framing")
    }

    @Test("command decoder accepts both CRC forms and NAKs bad ones")
    func commandDecoderForms() {
        let voltronic = bytes(hex: "4d554348474333343000070d")
        #expect(PI30CommandDecoder.parse(voltronic) == .command("MUCHGC340"))
        let mppsolar = bytes(hex: "4d554348474333343001070d")
        #expect(PI30CommandDecoder.parse(mppsolar) == .command("MUCHGC340"))
        let pbdv = bytes(hex: "5042445631322e32010e0d")
        #expect(PI30CommandDecoder.parse(pbdv) == .command("PBDV12.2"))
        var corrupted = PI30Command.qpigs.frameBytes
        corrupted[5] ^= 0x01
        guard case .invalid(let kept, _) = PI30CommandDecoder.parse(corrupted) else {
            Issue.record("corrupted command accepted")
            return
        }
        #expect(kept == corrupted)
    }

    @Test("response vectors: valid frames pass, the broken QMOD sample fails")
    func responseVectors() throws {
        let vectors = try PI30Fixtures.data()["crc"]?["response_vectors"]?.array ?? []
        #expect(vectors.count >= 10)
        for vector in vectors {
            let frame = bytes(hex: try #require(vector["frame_hex"]?.string))
            guard let valid = vector["valid"]?.bool else {
                Issue.record("vector without validity: \(vector)")
                continue
            }
            do {
                _ = try PI30Frame.validate(frame)
                #expect(valid, "frame \(hexString(frame)) should have failed")
            } catch {
                #expect(!valid, "frame \(hexString(frame)) failed: \(error)")
                #expect(error.code == .checksumMismatch)
                #expect(error.bytes == frame)
            }
        }
    }

    @Test("a reply whose CRC has a 0x00 byte is accepted as sent and in the mppsolar form")
    func responseWithZeroCRCByte() throws {
        // Search for a payload whose CRC has a 0x00 high byte; deterministic, a few thousand tries at most.
        var payload = ""
        for candidate in 0..<100_000 {
            let text = String(candidate)
            if PI30CRC.checksum(Array("(\(text)".utf8)) >> 8 == 0 {
                payload = text
                break
            }
        }
        #expect(!payload.isEmpty)
        let voltronic = PI30Frame.responseBytes(payload: payload)
        #expect(voltronic[voltronic.count - 3] == 0x00)
        #expect(try PI30Frame.validate(voltronic).checksumForm == .voltronic)
        var mppsolar = voltronic
        mppsolar[mppsolar.count - 3] = 0x01
        let decoded = try PI30Frame.validate(mppsolar)
        #expect(decoded.checksumForm == .mppsolar)
        #expect(decoded.payload == payload)
    }
}
