import HeliographCore
import HeliographMQTTCodec
import NIOCore
import Testing

@Suite("MQTT decoder rejects malformed packets")
struct MalformedPacketTests {
    /// Each case is a complete packet (header + body) that the specification calls malformed.
    static let malformed: [(String, [UInt8])] = [
        ("reserved packet type 0", [0x00, 0x00]),
        ("reserved packet type 15", [0xF0, 0x00]),
        ("PUBACK with reserved flags", [0x41, 0x02, 0x00, 0x01]),
        ("PUBREL without its 0010 flags", [0x60, 0x02, 0x00, 0x01]),
        ("SUBSCRIBE without its 0010 flags", [0x80, 0x06, 0x00, 0x01, 0x00, 0x01, 0x61, 0x00]),
        ("PUBACK with packet id 0", [0x40, 0x02, 0x00, 0x00]),
        ("PUBACK with trailing byte", [0x40, 0x03, 0x00, 0x01, 0xFF]),
        ("PUBACK too short", [0x40, 0x01, 0x00]),
        ("PINGRESP with a body", [0xD0, 0x01, 0x00]),
        ("PUBLISH QoS 3", [0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01]),
        ("QoS 0 PUBLISH with DUP", [0x38, 0x03, 0x00, 0x01, 0x61]),
        ("PUBLISH topic with wildcard", [0x30, 0x03, 0x00, 0x01, 0x2B]),
        ("PUBLISH empty topic", [0x30, 0x02, 0x00, 0x00]),
        ("PUBLISH topic with U+0000", [0x30, 0x04, 0x00, 0x02, 0x61, 0x00]),
        ("PUBLISH topic with invalid UTF-8", [0x30, 0x04, 0x00, 0x02, 0xC3, 0x28]),
        ("PUBLISH topic with encoded surrogate", [0x30, 0x05, 0x00, 0x03, 0xED, 0xA0, 0x80]),
        ("PUBLISH topic length beyond body", [0x30, 0x03, 0x00, 0x09, 0x61]),
        ("QoS 1 PUBLISH without packet id", [0x32, 0x03, 0x00, 0x01, 0x61]),
        ("CONNACK reserved flags", [0x20, 0x02, 0x02, 0x00]),
        ("CONNACK reserved return code", [0x20, 0x02, 0x00, 0x06]),
        ("CONNACK refused with session present", [0x20, 0x02, 0x01, 0x05]),
        ("CONNACK too long", [0x20, 0x03, 0x00, 0x00, 0x00]),
        ("SUBACK reserved return code", [0x90, 0x03, 0x00, 0x01, 0x03]),
        ("SUBACK without return codes", [0x90, 0x02, 0x00, 0x01]),
        ("SUBSCRIBE without filters", [0x82, 0x02, 0x00, 0x01]),
        ("SUBSCRIBE QoS byte reserved bits", [0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 0x61, 0x04]),
        ("SUBSCRIBE misplaced #", [0x82, 0x08, 0x00, 0x01, 0x00, 0x03, 0x23, 0x2F, 0x61, 0x00]),
        ("UNSUBSCRIBE without filters", [0xA2, 0x02, 0x00, 0x01]),
        ("CONNECT wrong protocol name", [0x10, 0x0C, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x58, 0x04, 0x02, 0x00, 0x3C, 0x00, 0x00]),
        ("CONNECT reserved flag", [0x10, 0x0C, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0x03, 0x00, 0x3C, 0x00, 0x00]),
        ("CONNECT password without user", [0x10, 0x0F, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0x42, 0x00, 0x3C, 0x00, 0x00, 0x00, 0x01, 0x70]),
        ("CONNECT will retain without will", [0x10, 0x0C, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0x22, 0x00, 0x3C, 0x00, 0x00]),
        ("remaining length of 5 bytes", [0x30, 0x80, 0x80, 0x80, 0x80, 0x01]),
    ]

    @Test("malformed packet throws malformedFrame and keeps its bytes", arguments: 0..<malformed.count)
    func rejects(index: Int) {
        let (name, bytes) = Self.malformed[index]
        do {
            let packets = try decodeAll(bytes)
            Issue.record("\(name) decoded as \(packets)")
        } catch let error as HeliographError {
            #expect(error.code == .malformedFrame, "\(name)")
            #expect(error.bytes?.isEmpty == false, "\(name): offending bytes kept")
        } catch {
            Issue.record("\(name) threw \(error)")
        }
    }

    @Test("every truncation of a valid stream waits for more bytes instead of failing")
    func truncatedInputWaits() throws {
        for packet in samplePackets {
            let bytes = Array(try encoded(packet).readableBytesView)
            for cut in 0..<bytes.count {
                var decoder = MQTTPacketDecoder()
                var buffer = ByteBuffer(bytes: bytes[..<cut])
                #expect(try decoder.decode(buffer: &buffer) == nil)
                #expect(buffer.readableBytes == cut, "reader index restored on short input")
            }
        }
    }

    @Test("a packet announcing more than the limit is refused before it is buffered")
    func oversizedPacketRefused() {
        // Announces 2,097,152 bytes but only the header arrived: must fail now, not wait for 2 MB.
        #expect(throws: HeliographError.self) { try decodeAll([0x30, 0x80, 0x80, 0x80, 0x01], maximumPacketSize: 1 << 20) }
        #expect(throws: HeliographError.self) { try decodeAll([0x30, 0xFF, 0xFF, 0xFF, 0x7F], maximumPacketSize: 1 << 20) }
    }
}
