import Foundation
import HeliographCore
import HeliographPostgres
import HeliographSQLite
import Logging

/// `heliograph bench ingest`: samples per second a store takes from a fleet of simulated devices
/// (default 1 000 devices × 100 fields), written in the batches the sink runner hands a store (500
/// samples). SQLite always; PostgreSQL when a URL is given (the benchmark starts no server itself).
enum IngestBenchmark {
    static let batchSize = 500

    /// - Parameters:
    ///   - rounds: samples per device (10 s apart); each round is one sample of every device.
    ///   - postgresURL: a database to write into; a schema of its own is created and dropped afterwards.
    static func run(devices: Int, fields: Int, rounds: Int, postgresURL: String?, postgresPassword: String? = nil) async throws -> [BenchmarkMeasurement] {
        var logger = Logger(label: "heliograph.bench.ingest")
        logger.logLevel = .warning
        var results: [BenchmarkMeasurement] = []

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("heliograph-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let sqlite = try SQLiteStore(configuration: .init(path: directory.appendingPathComponent("ingest.sqlite").path), logger: logger)
        results.append(try await measure("ingest.sqlite", store: sqlite, devices: devices, fields: fields, rounds: rounds))
        try sqlite.close()

        if let postgresURL {
            var configuration = try PostgresStore.Configuration(url: postgresURL, password: postgresPassword)
            configuration.schema = "heliograph_bench_\(UUID().uuidString.prefix(8).lowercased())"
            configuration.operationTimeout = .seconds(300)
            let store = try PostgresStore(configuration: configuration, logger: logger)
            let measurement = try await store.withRunning {
                do {
                    let measurement = try await measure("ingest.postgres", store: store, devices: devices, fields: fields, rounds: rounds)
                    try await store.dropSchema()
                    return measurement
                } catch {
                    try? await store.dropSchema()
                    throw error
                }
            }
            results.append(measurement)
        }
        return results
    }

    /// Writes `rounds` samples of every device and times the writes alone (generating data is not counted).
    private static func measure(_ name: String, store: any SampleStore, devices: Int, fields: Int, rounds: Int) async throws -> BenchmarkMeasurement {
        let fieldIDs = (0..<fields).map { FieldID("bench_field_\($0)_w") }
        var values = (0..<devices).map { device in (0..<fields).map { Double(($0 * 37 + device * 11) % 1_000) } }
        var random = SystemRandomNumberGenerator()
        let start = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60 - Double(rounds) * 10 - 3_600)
        let clock = ContinuousClock()
        var elapsed = Duration.zero
        var samples = 0
        var pending: [Sample] = []
        pending.reserveCapacity(batchSize)
        func flush() async throws {
            guard !pending.isEmpty else { return }
            let began = clock.now
            try await store.write(pending)
            elapsed += clock.now - began
            samples += pending.count
            pending.removeAll(keepingCapacity: true)
        }
        for round in 0..<rounds {
            let time = start.addingTimeInterval(Double(round) * 10)
            for device in 0..<devices {
                var sample: [FieldID: FieldValue] = [:]
                sample.reserveCapacity(fields)
                for field in 0..<fields {
                    // A random walk with 0.1 steps, like real readings.
                    values[device][field] += Double(Int.random(in: -5...5, using: &random)) / 10
                    sample[fieldIDs[field]] = .number(values[device][field])
                }
                pending.append(Sample(device: DeviceID("bench-\(device)"), time: time, values: sample))
                if pending.count == batchSize { try await flush() }
            }
        }
        try await flush()
        let seconds = elapsed.seconds
        return BenchmarkMeasurement(
            name: name,
            operations: samples,
            seconds: seconds,
            extra: ["devices": Double(devices), "fields": Double(fields), "points_per_second": Double(samples * fields) / max(seconds, 1e-9)]
        )
    }
}
