import Foundation
import HeliographCore
import HeliographHoymiles
import HeliographModbus
import HeliographInfluxDB
import HeliographPI30
import HeliographSolarman
import HeliographStorage

/// The benchmark suites `heliograph bench` runs. Each engineer's benchmark function is called from here.
public enum Benchmarks {
    /// Suite names, in the order `all` runs them. Add a suite: one name here, one case below.
    public static let suites = ["pi30", "deye", "hoymiles", "storage", "influxdb"]

    /// Runs one suite; `scale` multiplies the default iteration counts.
    public static func run(_ suite: String, scale: Double = 1) async throws -> [BenchmarkMeasurement] {
        func scaled(_ count: Int) -> Int { max(1, Int(Double(count) * scale)) }
        switch suite {
        case "pi30":
            return PI30Benchmark.run(iterations: scaled(100_000))
        case "deye":
            return try DeyeBenchmark.run(iterations: scaled(100_000))
        case "hoymiles":
            return [
                ModbusTCPBenchmarks.encodeRequests(frames: scaled(100_000)),
                try ModbusTCPBenchmarks.decodeReadResponses(frames: scaled(100_000)),
                try HoymilesBenchmarks.decodeAndTrack(scans: scaled(2_000)),
            ]
        case "storage":
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("heliograph-bench-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            // 4 inverters × 25 fields, one day at 10 s: 864 000 points.
            return try await SQLiteStoreBenchmark.run(
                path: directory.appendingPathComponent("bench.sqlite").path,
                devices: 4,
                fields: 25,
                samplesPerDevice: scaled(8_640)
            )
        case "influxdb":
            return try InfluxDBBenchmark.run(samples: scaled(200_000))
        default:
            throw HeliographError(.invalidRequest, "unknown benchmark '\(suite)'; one of \(suites.joined(separator: ", "))")
        }
    }

    /// One measurement as a JSON line.
    public static func json(_ measurement: BenchmarkMeasurement) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(measurement) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
