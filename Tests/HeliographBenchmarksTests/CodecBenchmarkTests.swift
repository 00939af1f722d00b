import HeliographBenchmarks
import Testing

/// The codec benchmarks `heliograph bench` runs, at small sizes: they finish and count what they did.
@Suite struct CodecBenchmarkTests {
    @Test("the Deye decode benchmark runs and reports the 2 × 54 register poll")
    func deye() throws {
        let measurements = try DeyeBenchmark.run(iterations: 20)
        #expect(measurements.map(\.name) == ["deye.decode.v5_frames_2x54", "deye.decode.register_map_2x54", "deye.decode.poll_2x54"])
        #expect(measurements.allSatisfy { $0.operations == 20 && $0.seconds > 0 })
        #expect(measurements[2].extra["bytes_per_poll"] == Double(2 * (13 + 14 + 5 + 108)))
    }

    @Test("the Modbus TCP and Hoymiles benchmarks run and count their operations")
    func modbusAndHoymiles() throws {
        let decode = try ModbusTCPBenchmarks.decodeReadResponses(frames: 2_000)
        #expect(decode.operations == 2_000)
        let encode = ModbusTCPBenchmarks.encodeRequests(frames: 500)
        #expect(encode.operations == 500)
        let track = try HoymilesBenchmarks.decodeAndTrack(scans: 5)
        #expect(track.operations == 5)
        #expect(track.extra["ports_per_scan"] == 100)
    }
}
