import HeliographCore
import HeliographPI30
import NIOCore

/// Decode throughput for `heliograph bench pi30`: framing + CRC + typed decoding + field mapping.
public enum PI30Benchmark {
    static let qpigs = PI30Frame.responseBytes(
        payload: "000.0 00.0 230.0 49.9 0161 0119 003 460 57.50 012 100 0069 0014 103.8 57.45 00000 00110110 00 00 00856 010"
    )
    static let qpiri = PI30Frame.responseBytes(
        payload: "230.0 21.7 230.0 50.0 21.7 5000 4000 48.0 46.0 42.0 56.4 54.0 0 10 010 1 0 0 6 01 0 0 54.0 0 1"
    )

    /// Runs each measurement `iterations` times; one operation is one frame from bytes to field values.
    public static func run(iterations: Int) -> [BenchmarkMeasurement] {
        let count = max(1, iterations)
        return [
            measure("pi30.decode.QPIGS", frame: qpigs, command: .qpigs, iterations: count),
            measure("pi30.decode.QPIRI", frame: qpiri, command: .qpiri, iterations: count),
        ]
    }

    private static func measure(_ name: String, frame: [UInt8], command: PI30Command, iterations: Int) -> BenchmarkMeasurement {
        let input = ByteBuffer(bytes: frame)
        var decoder = PI30ResponseDecoder()
        var fieldCount = 0
        var failures = 0
        var result = BenchmarkMeasurement.measure(name, operations: iterations) {
            var buffer = input
            do {
                guard let decoded = try decoder.decode(buffer: &buffer) else {
                    failures += 1
                    return
                }
                let response = try PI30Response.decode(decoded, for: command)
                fieldCount &+= PI30Fields.values(from: response).count
            } catch {
                failures += 1
            }
        }
        result.extra["bytes_per_frame"] = Double(frame.count)
        result.extra["fields_per_frame"] = Double(fieldCount) / Double(iterations)
        result.extra["failures"] = Double(failures)
        return result
    }
}
