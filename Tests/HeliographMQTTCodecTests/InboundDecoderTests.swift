import HeliographCore
import HeliographMQTTCodec
import NIOCore
import NIOTestUtils
import Testing

@Suite("MQTT inbound decoder (oversized PUBLISH skipped)")
struct InboundDecoderTests {
    /// A QoS 1 retained PUBLISH of `size` payload bytes, then a PINGRESP.
    static func bigPublishThenPing(size: Int) throws -> [UInt8] {
        let publish = MQTTPacket.publish(.init(
            topic: "house/big", payload: ByteBuffer(repeating: 0x41, count: size), qos: .atLeastOnce, retain: true, packetID: 513))
        return Array(try encoded(publish).readableBytesView) + Array(try encoded(.pingResp).readableBytesView)
    }

    @Test("an oversized PUBLISH streamed in pieces is dropped as it arrives, reported once at its end, and the next packet decodes")
    func oversizedPublishSkipped() throws {
        let limit = 4_096
        let bytes = try Self.bigPublishThenPing(size: 100_000)
        var decoder = MQTTInboundDecoder(maximumPacketSize: limit)
        var buffer = ByteBuffer()
        var results: [MQTTInbound] = []
        var largestHeld = 0
        for piece in stride(from: 0, to: bytes.count, by: 1_000) {
            buffer.writeBytes(bytes[piece..<min(piece + 1_000, bytes.count)])
            largestHeld = max(largestHeld, buffer.readableBytes)
            while let result = try decoder.decode(buffer: &buffer) { results.append(result) }
        }
        #expect(results == [
            .discarded(.init(topic: "house/big", qos: .atLeastOnce, retain: true, packetID: 513, length: 2 + 9 + 2 + 100_000)),
            .packet(.pingResp),
        ])
        #expect(largestHeld <= 1_000, "never more than one piece buffered")
        #expect(buffer.readableBytes == 0)
    }

    @Test("packets within the limit decode as with MQTTPacketDecoder, in every split")
    func smallPacketsPassThrough() throws {
        let pairs = try samplePackets.map { (try encoded($0), [MQTTInbound.packet($0)]) }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { MQTTInboundDecoder() }
    }

    @Test("an oversized packet of another type, or a malformed oversized PUBLISH, still fails")
    func otherOversizedPacketsFail() {
        var subAck = ByteBuffer(bytes: [0x90, 0x80, 0x80, 0x04])  // SUBACK announcing 64 KiB
        var decoder = MQTTInboundDecoder(maximumPacketSize: 1_024)
        #expect(throws: HeliographError.self) { try decoder.decode(buffer: &subAck) }
        // QoS 3, and a topic longer than the packet.
        var badQoS = ByteBuffer(bytes: [0x36, 0x80, 0x80, 0x04, 0x00, 0x01, 0x61])
        decoder = MQTTInboundDecoder(maximumPacketSize: 1_024)
        #expect(throws: HeliographError.self) { try decoder.decode(buffer: &badQoS) }
        var shortTopic = ByteBuffer(bytes: [0x30, 0x81, 0x08, 0xFF, 0xFF])
        decoder = MQTTInboundDecoder(maximumPacketSize: 1_024)
        #expect(throws: HeliographError.self) { try decoder.decode(buffer: &shortTopic) }
    }
}
