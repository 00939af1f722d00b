import HeliographCore
import HeliographMQTTCodec
import HeliographTesting
import NIOCore
import Testing

/// Thousands of decodes per test: off the cooperative pool.
@Suite("MQTT decoder fuzzing", .cpuBound)
struct DecoderFuzzTests {
    /// Feeds `bytes` to a decoder until it needs more input or rejects the stream. Every packet it
    /// does accept must re-encode and decode to itself: the decoder never accepts what the
    /// encoder would refuse.
    static func exercise(_ bytes: [UInt8]) throws -> (packets: Int, rejected: Bool) {
        var decoder = MQTTPacketDecoder(maximumPacketSize: 4096)
        var buffer = ByteBuffer(bytes: bytes)
        var count = 0
        do {
            while let packet = try decoder.decode(buffer: &buffer) {
                count += 1
                let again = try decodeAll(Array(try encoded(packet).readableBytesView))
                #expect(again == [packet])
            }
            return (count, false)
        } catch let error as HeliographError where error.code == .malformedFrame {
            return (count, true)
        }
    }

    @Test("mutated valid packets never crash and never decode to something unencodable", arguments: [UInt64(1), 42, 0xC0FFEE])
    func mutationFuzz(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let corpus = try samplePackets.map { Array(try encoded($0).readableBytesView) }
        var rejected = 0
        var accepted = 0
        for _ in 0..<4_000 {
            var bytes = corpus.randomElement(using: &random)!
            // Concatenate another packet sometimes, so mutations also hit packet boundaries.
            if Bool.random(using: &random) { bytes += corpus.randomElement(using: &random)! }
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                switch Int.random(in: 0..<5, using: &random) {
                case 0: bytes[Int.random(in: 0..<bytes.count, using: &random)] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
                case 1: bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                case 2: if bytes.count > 1 { bytes.remove(at: Int.random(in: 0..<bytes.count, using: &random)) }
                case 3: bytes.insert(UInt8.random(in: 0...255, using: &random), at: Int.random(in: 0...bytes.count, using: &random))
                default: bytes = Array(bytes.prefix(Int.random(in: 1...bytes.count, using: &random)))
                }
            }
            let outcome = try Self.exercise(bytes)
            if outcome.rejected { rejected += 1 } else { accepted += 1 }
        }
        // Both outcomes occur: the mutations are neither all harmless nor all fatal.
        #expect(rejected > 100)
        #expect(accepted > 100)
    }

    @Test("random garbage never crashes the decoder", arguments: [UInt64(7), 2026])
    func garbageFuzz(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        for _ in 0..<4_000 {
            let length = Int.random(in: 0...64, using: &random)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            _ = try Self.exercise(bytes)
        }
    }
}
