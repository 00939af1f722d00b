import HeliographCore
import HeliographSolarman
import HeliographTesting
import NIOCore
import Testing

@Suite("Solarman V5 stream decoder")
struct SolarmanV5DecoderTests {
    /// Feeds `chunks` one after another and collects everything the decoder yields.
    func run(_ chunks: [[UInt8]]) throws -> [SolarmanV5Inbound] {
        var decoder = SolarmanV5FrameDecoder()
        var buffer = ByteBuffer()
        var out: [SolarmanV5Inbound] = []
        for chunk in chunks {
            buffer.writeBytes(chunk)
            while let item = try decoder.decode(buffer: &buffer) { out.append(item) }
        }
        while let item = try decoder.decodeLast(buffer: &buffer, seenEOF: true) { out.append(item) }
        return out
    }

    func frames(_ items: [SolarmanV5Inbound]) -> [SolarmanV5Frame] {
        items.compactMap { if case .frame(let frame) = $0 { frame } else { nil } }
    }

    func skipped(_ items: [SolarmanV5Inbound]) -> [HeliographError] {
        items.compactMap { if case .skipped(let error) = $0 { error } else { nil } }
    }

    let heartbeat = Fixtures.frame("unsolicited HEARTBEAT")
    let response = Fixtures.frame("response to 0x0076")
    let garbage = Array("AT+YZCMPVER=MW3_16U_5406_2.27\r\n\r\n".utf8)

    @Test("frames split into single bytes come out whole and in order")
    func fragmented() throws {
        let wire = heartbeat + response + Fixtures.frame("response to 0x0077")
        let items = try run(wire.map { [$0] })
        #expect(frames(items).map(\.bytes) == [heartbeat, response, Fixtures.frame("response to 0x0077")])
        #expect(skipped(items).isEmpty)
    }

    @Test("AT-command garbage and test-server noise between frames is skipped and reported")
    func garbageBetweenFrames() throws {
        let noise = bytes("aa030a00000000000000000000be9c") + bytes("0103080100020232333038c75c")
        let items = try run([garbage + response + noise + heartbeat])
        #expect(frames(items).map(\.bytes) == [response, heartbeat])
        #expect(skipped(items).count == 2)
        #expect(skipped(items)[0].bytes == garbage)
    }

    @Test("a frame with a bad checksum is skipped and the next frame still decodes")
    func badChecksum() throws {
        var corrupt = response
        corrupt[corrupt.count - 2] &+= 1
        let items = try run([corrupt, heartbeat])
        #expect(frames(items).map(\.bytes) == [heartbeat])
        #expect(skipped(items).map(\.code) == [.checksumMismatch])
    }

    @Test("the truncated DATA push does not swallow the frames after it")
    func resynchronisesAfterTruncatedFrame() throws {
        let data = Fixtures.solarman.real_frames.first { $0.label.contains("DATA frame") }!.bytes
        let items = try run([data, heartbeat, response, response])
        // The short frame borrows bytes from what follows, so the first frames may be sacrificed,
        // but the decoder must find its footing again.
        #expect(frames(items).last?.bytes == response)
        #expect(!skipped(items).isEmpty)
    }

    @Test("a connection closed inside a frame reports the partial bytes")
    func eofInsideFrame() throws {
        let items = try run([Array(response.prefix(20))])
        #expect(frames(items).isEmpty)
        #expect(skipped(items).first?.bytes == Array(response.prefix(20)))
    }
}

import NIOTestUtils

/// NIO's verifier feeds every split of every frame: off the cooperative pool.
@Suite("Solarman V5 decoder verifier", .cpuBound)
struct SolarmanV5DecoderVerifierTests {
    @Test("NIO's decoder verifier accepts the decoder on golden frames")
    func verifier() throws {
        let frames = (Fixtures.solarman.real_frames + Fixtures.solarman.constructed_frames)
            .filter { !$0.label.contains("DATA frame") }
            .map(\.bytes)
        let pairs = try frames.map { bytes in
            (ByteBuffer(bytes: bytes), [SolarmanV5Inbound.frame(try SolarmanV5Frame.decode(bytes))])
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { SolarmanV5FrameDecoder() }
    }
}
