import HeliographCore
import HeliographModbus
import HeliographSolarman
import NIOCore

/// Decode speed for a typical Deye poll: two 54-register answers through the whole pipeline
/// (V5 stream decoder, session matching, Modbus RTU, register map).
public enum DeyeBenchmark {
    /// Runs the measurements `heliograph bench deye` prints.
    public static func run(iterations: Int = 100_000) throws -> [BenchmarkMeasurement] {
        let map = try RegisterMap.bundled("deye_single_phase_hybrid")
        let ranges = [RegisterRange(start: 0x003B, count: 54), RegisterRange(start: 0x0096, count: 54)]
        let serial: UInt32 = 2_612_749_371
        // Plausible register values: a ramp keeps every field decodable without special cases.
        let replies: [[UInt8]] = ranges.enumerated().map { index, range in
            let values = (0..<Int(range.count)).map { UInt16(1_000 + $0 * 7) }
            var modbus = ByteBuffer()
            ModbusRTUFrame.encode(unit: 1, ModbusResponse.registers(function: .readHoldingRegisters, values: values), into: &modbus)
            let payload = SolarmanV5ResponsePayload(totalWorkingTime: 5_685_700, powerOnTime: 6_768, offsetTime: 1_683_539_394, modbusFrame: Array(modbus.readableBytesView))
            return SolarmanV5Frame(controlCode: .response, sequence: UInt8(0x10 + index), loggerSequence: 0x22, loggerSerial: serial, payload: payload.bytes).bytes
        }
        let wire = replies.flatMap { $0 }

        func decodeFrames() throws -> RegisterImage {
            var session = SolarmanV5Session(loggerSerial: serial, initialSequence: 0x10)
            var decoder = SolarmanV5FrameDecoder()
            var buffer = ByteBuffer(bytes: wire)
            var image = RegisterImage()
            for range in ranges {
                let request = map.request(for: range)
                _ = session.send(request, unit: 1)
                waiting: while let inbound = try decoder.decode(buffer: &buffer) {
                    switch session.receive(inbound, unixTime: 0) {
                    case .deliver(_, let response, _):
                        image.insert(start: range.start, values: try response.registers(for: request))
                        break waiting
                    case .fail(let error): throw error
                    case .send, .ignore: continue
                    }
                }
            }
            return image
        }

        let image = try decodeFrames()
        guard map.decode(image, includingSlow: false).count > 40 else {
            throw HeliographError(.unexpectedResponse, "benchmark image decoded to too few fields")
        }
        var sink = 0
        let frames = try BenchmarkMeasurement.measure("deye.decode.v5_frames_2x54", operations: iterations) {
            sink &+= try decodeFrames().blocks.count
        }
        let fields = BenchmarkMeasurement.measure("deye.decode.register_map_2x54", operations: iterations) {
            sink &+= map.decode(image, includingSlow: false).count
        }
        var poll = try BenchmarkMeasurement.measure("deye.decode.poll_2x54", operations: iterations) {
            sink &+= map.decode(try decodeFrames(), includingSlow: false).count
        }
        poll.extra["bytes_per_poll"] = Double(wire.count)
        poll.extra["fields_per_poll"] = Double(map.decode(image, includingSlow: false).count)
        precondition(sink != 0)  // keeps the optimiser from dropping the work
        return [frames, fields, poll]
    }
}
