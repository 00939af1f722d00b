import HeliographCore
import HeliographMQTTCodec
import NIOCore
import NIOTestUtils
import Testing

/// A sample of every packet type with the interesting flag combinations.
let samplePackets: [MQTTPacket] = [
    .connect(.init(clientID: "heliograph-edge-1", cleanSession: false, keepAliveSeconds: 30)),
    .connect(
        .init(
            clientID: "", cleanSession: true, keepAliveSeconds: 0, username: "solar", password: Array("s3cret".utf8),
            will: .init(topic: "heliograph/inv1/availability", payload: ByteBuffer(string: "offline"), qos: .atLeastOnce, retain: true))),
    .connect(.init(clientID: "a", username: "only-user")),
    .connAck(.init(sessionPresent: true, returnCode: .accepted)),
    .connAck(.init(sessionPresent: false, returnCode: .notAuthorized)),
    .publish(.init(topic: "heliograph/inv1/state", payload: ByteBuffer(string: #"{"pv1_power_w":1234}"#))),
    .publish(.init(topic: "a/b", payload: ByteBuffer(), qos: .atLeastOnce, retain: true, duplicate: true, packetID: 65535)),
    .publish(.init(topic: "ünïcødé/☀️", payload: ByteBuffer(repeating: 0xAB, count: 300), qos: .exactlyOnce, packetID: 7)),
    .pubAck(packetID: 1), .pubRec(packetID: 2), .pubRel(packetID: 3), .pubComp(packetID: 4),
    .subscribe(.init(packetID: 10, subscriptions: [.init(filter: "a/+/c", qos: .atMostOnce), .init(filter: "$share/g/x/#", qos: .atLeastOnce)])),
    .subAck(.init(packetID: 10, returnCodes: [.granted(.atMostOnce), .granted(.atLeastOnce), .failure])),
    .unsubscribe(.init(packetID: 11, filters: ["a/+/c", "#"])),
    .unsubAck(packetID: 11),
    .pingReq, .pingResp, .disconnect,
]

func encoded(_ packet: MQTTPacket) throws -> ByteBuffer {
    var buffer = ByteBuffer()
    try packet.encode(into: &buffer)
    return buffer
}

func decodeAll(_ bytes: [UInt8], maximumPacketSize: Int = 1 << 20) throws -> [MQTTPacket] {
    var decoder = MQTTPacketDecoder(maximumPacketSize: maximumPacketSize)
    var buffer = ByteBuffer(bytes: bytes)
    var packets: [MQTTPacket] = []
    while let packet = try decoder.decode(buffer: &buffer) { packets.append(packet) }
    return packets
}

@Suite("MQTT codec round trips")
struct PacketRoundTripTests {
    @Test("every packet type decodes back to itself", arguments: samplePackets)
    func roundTrip(packet: MQTTPacket) throws {
        let bytes = try encoded(packet)
        #expect(try decodeAll(Array(bytes.readableBytesView)) == [packet])
    }

    @Test("decoder handles every split of a packet stream (ByteToMessageDecoderVerifier)")
    func verifier() throws {
        let pairs = try samplePackets.map { (try encoded($0), [$0]) }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { MQTTPacketDecoder() }
    }

    @Test("CONNECT matches the byte layout of the specification")
    func connectGoldenBytes() throws {
        let packet = MQTTPacket.connect(.init(clientID: "c1", cleanSession: true, keepAliveSeconds: 60, username: "u", password: [0x70]))
        let expected: [UInt8] = [
            0x10, 20,  // CONNECT, remaining length
            0x00, 0x04, 0x4D, 0x51, 0x54, 0x54,  // "MQTT"
            0x04,  // level 4 = 3.1.1
            0xC2,  // user name, password, clean session
            0x00, 0x3C,  // keep alive 60
            0x00, 0x02, 0x63, 0x31,  // "c1"
            0x00, 0x01, 0x75,  // "u"
            0x00, 0x01, 0x70,  // password "p"
        ]
        #expect(Array(try encoded(packet).readableBytesView) == expected)
    }

    @Test("QoS 1 PUBLISH matches the byte layout of the specification")
    func publishGoldenBytes() throws {
        let packet = MQTTPacket.publish(.init(topic: "a/b", payload: ByteBuffer(bytes: [1, 2]), qos: .atLeastOnce, retain: true, packetID: 0x0102))
        #expect(Array(try encoded(packet).readableBytesView) == [0x33, 9, 0x00, 0x03, 0x61, 0x2F, 0x62, 0x01, 0x02, 1, 2])
    }

    @Test("remaining length uses 1 to 4 bytes at the specification's boundaries",
          arguments: [(0, 1), (127, 1), (128, 2), (16_383, 2), (16_384, 3), (2_097_151, 3), (2_097_152, 4)])
    func remainingLengthBoundaries(bodyLength: Int, lengthBytes: Int) throws {
        // A PUBLISH whose body is exactly bodyLength: topic "t" takes 3 bytes.
        guard bodyLength >= 3 else {
            #expect(try encoded(.pingReq).readableBytes == 2)
            return
        }
        let packet = MQTTPacket.publish(.init(topic: "t", payload: ByteBuffer(repeating: 0x55, count: bodyLength - 3)))
        let bytes = try encoded(packet)
        #expect(bytes.readableBytes == 1 + lengthBytes + bodyLength)
        #expect(try decodeAll(Array(bytes.readableBytesView), maximumPacketSize: 4_000_000) == [packet])
    }

    @Test("encoder refuses what a broker would reject")
    func encoderRefusesInvalidPackets() {
        let invalid: [MQTTPacket] = [
            .publish(.init(topic: "a/+", payload: ByteBuffer())),
            .publish(.init(topic: "", payload: ByteBuffer())),
            .publish(.init(topic: "a", payload: ByteBuffer(), qos: .atLeastOnce)),
            .publish(.init(topic: "a", payload: ByteBuffer(), qos: .atMostOnce, packetID: 3)),
            .publish(.init(topic: "a\u{0}b", payload: ByteBuffer())),
            .publish(.init(topic: String(repeating: "x", count: 65_536), payload: ByteBuffer())),
            .subscribe(.init(packetID: 1, subscriptions: [])),
            .subscribe(.init(packetID: 1, subscriptions: [.init(filter: "a/#/b")])),
            .subscribe(.init(packetID: 0, subscriptions: [.init(filter: "a")])),
            .pubAck(packetID: 0),
            .connect(.init(clientID: "c", password: [1])),
        ]
        for packet in invalid {
            var buffer = ByteBuffer()
            #expect(throws: HeliographError.self, "\(packet)") { try packet.encode(into: &buffer) }
            #expect(buffer.readableBytes == 0)
        }
    }
}
