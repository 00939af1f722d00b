import Foundation
import HeliographCore

/// The benchmark suites `heliograph bench` runs. Each engineer's benchmark function is called from here.
public enum Benchmarks {
    /// Suite names, in the order `all` runs them. Add a suite: one name here, one case below.
    public static let suites = ["pi30", "deye", "hoymiles", "storage", "influxdb", "ingest"]

    /// Runs one suite; `scale` multiplies the default iteration counts. `ingest` also measures
    /// PostgreSQL when `postgresURL` is given (`--postgres-url` or `HELIOGRAPH_BENCH_POSTGRES_URL`).
    public static func run(_ suite: String, scale: Double = 1, postgresURL: String? = nil) async throws -> [BenchmarkMeasurement] {
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
        case "ingest":
            // 1 000 devices × 100 fields, 6 rounds (one minute of fleet data at 10 s): 6 000 samples.
            return try await IngestBenchmark.run(devices: 1_000, fields: 100, rounds: scaled(6), postgresURL: postgresURL)
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
