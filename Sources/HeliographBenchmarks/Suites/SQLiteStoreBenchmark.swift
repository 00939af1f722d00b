import Foundation
import GRDB
import HeliographCore
import HeliographSQLite
import HeliographStorageBase
import Logging

/// Measures the SQLite store with synthetic inverter data; `heliograph bench storage` runs it.
public enum SQLiteStoreBenchmark {
    /// Ingests `samplesPerDevice` samples (10 s apart) of `fields` fields for each of `devices` devices
    /// into a fresh database at `path` (replaced), compacts it, and times queries.
    ///
    /// Measurements: `storage.ingest` (one operation per point; `extra["batch_points"]`),
    /// `storage.compaction` (per point), `storage.size` (`extra`: bytes per point of the whole file after
    /// VACUUM, of the raw tier — chunk table and its indexes — when SQLite has `dbstat`, and of the chunk
    /// payload alone), `storage.query.day_raw` (one day of one series at full resolution) and
    /// `storage.query.year_hourly` (a year of hourly rollups of one series, as a chart asks).
    public static func run(path: String, devices: Int, fields: Int, samplesPerDevice: Int) async throws -> [BenchmarkMeasurement] {
        precondition(devices > 0 && fields > 0 && samplesPerDevice > 0, "benchmark sizes must be positive")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        var logger = Logger(label: "heliograph.bench.storage")
        logger.logLevel = .warning
        let store = try SQLiteStore(configuration: .init(location: .file(path)), logger: logger)
        defer { try? store.close() }
        var results: [BenchmarkMeasurement] = []

        // Ingest, in batches of one minute of samples of every device, the shape the sink runner writes.
        let interval = 10.0
        let start = Date(timeIntervalSince1970: ((Date().timeIntervalSince1970 - Double(samplesPerDevice) * interval - 7_200) / 3_600).rounded(.down) * 3_600)
        var generators = (0..<devices).map { InverterDataGenerator(fields: fields, seed: UInt64($0) + 1) }
        let samplesPerBatch = 6
        let clock = ContinuousClock()
        var ingestTime = Duration.zero
        var points = 0
        var index = 0
        while index < samplesPerDevice {
            var batch: [Sample] = []
            for offset in index..<min(index + samplesPerBatch, samplesPerDevice) {
                let time = start.addingTimeInterval(Double(offset) * interval + Double(offset % 3) * 0.001)
                for device in 0..<devices {
                    let values = generators[device].next()
                    points += values.count
                    batch.append(Sample(device: DeviceID("bench-\(device)"), time: time, values: values))
                }
            }
            let began = clock.now
            try await store.write(batch)
            ingestTime += clock.now - began
            index += samplesPerBatch
        }
        results.append(BenchmarkMeasurement(name: "storage.ingest", operations: points, seconds: ingestTime.seconds, extra: ["batch_points": Double(samplesPerBatch * devices * fields)]))

        let compactionStart = clock.now
        let report = try await store.runMaintenance(now: Date().addingTimeInterval(86_400))
        results.append(BenchmarkMeasurement(
            name: "storage.compaction",
            operations: report.compactedPoints,
            seconds: (clock.now - compactionStart).seconds,
            extra: ["chunks": Double(report.chunksWritten)]
        ))

        // Size: checkpoint and VACUUM so pages freed by deleted head rows do not count.
        let sizes = try await store.database.writeWithoutTransaction { db -> (payload: Int64, raw: Int64?) in
            try db.execute(sql: "VACUUM")
            try db.checkpoint(.truncate)
            let payload = try Int64.fetchOne(db, sql: "SELECT coalesce(sum(length(data)), 0) FROM chunk") ?? 0
            let raw = try? Int64.fetchOne(db, sql: "SELECT sum(pgsize) FROM dbstat WHERE name IN ('chunk', 'chunk_span', 'sqlite_autoindex_chunk_1', 'head')")
            return (payload, raw)
        }
        let fileSize = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
        var sizeExtra = [
            "points": Double(points),
            "file_bytes": Double(fileSize),
            "file_bytes_per_point": Double(fileSize) / Double(points),
            "chunk_payload_bytes_per_point": Double(sizes.payload) / Double(points),
        ]
        if let raw = sizes.raw { sizeExtra["raw_tier_bytes_per_point"] = Double(raw) / Double(points) }
        results.append(BenchmarkMeasurement(name: "storage.size", operations: points, seconds: 0, extra: sizeExtra))

        // One day of one series at full resolution, across chunks.
        let series = SeriesKey(device: "bench-0", field: InverterDataGenerator.fieldID(0))
        let dayEnd = start.addingTimeInterval(min(86_400, Double(samplesPerDevice) * interval))
        var dayPoints = 0
        let dayQueries = 20
        let dayStart = clock.now
        for _ in 0..<dayQueries { dayPoints = try await store.points(series, from: start, to: dayEnd).count }
        results.append(BenchmarkMeasurement(name: "storage.query.day_raw", operations: dayQueries, seconds: (clock.now - dayStart).seconds, extra: ["points": Double(dayPoints)]))

        // A year of hourly rollups for one series, written directly, then charted.
        let yearSeries = SeriesKey(device: "bench-year", field: "pv_power_w")
        let yearEnd = Date().storageMilliseconds / 3_600_000 * 3_600_000
        let yearStart = yearEnd - 365 * 86_400_000
        try await store.database.write { db in
            let id = try SQLiteStore.seriesID(db, yearSeries)
            var hour = yearStart
            var random = SplitMix64(seed: 99)
            while hour < yearEnd {
                let value = Double(random.next() % 5_000)
                var accumulator = Accumulator()
                for _ in 0..<360 { accumulator.add(value) }
                try SQLiteStore.upsertRollup(db, rollup: .hour, series: id, start: hour, accumulator)
                hour += 3_600_000
            }
        }
        let yearQueries = 20
        var buckets = 0
        let yearQueryStart = clock.now
        for _ in 0..<yearQueries {
            buckets = try await store.aggregates(yearSeries, from: Date(storageMilliseconds: yearStart), to: Date(storageMilliseconds: yearEnd), step: .hour).count
        }
        results.append(BenchmarkMeasurement(name: "storage.query.year_hourly", operations: yearQueries, seconds: (clock.now - yearQueryStart).seconds, extra: ["buckets": Double(buckets)]))
        return results
    }
}

/// Values shaped like a hybrid inverter's registers: quantised like the devices report them
/// (0.1 V, whole watts, 0.01 Hz), some noisy, some slow, counters, flags.
struct InverterDataGenerator: Sendable {
    private var random: SplitMix64
    private var state: [Int]
    private let fields: Int
    private var tick = 0

    init(fields: Int, seed: UInt64) {
        self.fields = fields
        random = SplitMix64(seed: seed)
        state = (0..<fields).map { Self.initial(kind: $0 % 8) }
    }

    static func fieldID(_ index: Int) -> FieldID {
        let names = ["ac_voltage_v", "pv_power_w", "battery_soc_pct", "inverter_temperature_c", "pv_energy_total_kwh", "grid_connected", "ac_frequency_hz", "battery_current_a"]
        return FieldID(index < 8 ? names[index] : "group\(index / 8)_\(names[index % 8])")
    }

    private static func initial(kind: Int) -> Int {
        switch kind {
        case 0: 2_301
        case 1: 1_500
        case 2: 60
        case 3: 350
        case 4: 123_456
        case 5: 1
        case 6: 5_000
        default: 0
        }
    }

    mutating func next() -> [FieldID: FieldValue] {
        tick += 1
        var values: [FieldID: FieldValue] = [:]
        for index in 0..<fields {
            let kind = index % 8
            switch kind {
            case 0: state[index] = min(max(state[index] + random.step(3), 2_250), 2_450)
            case 1: state[index] = max(0, state[index] + random.step(60))
            case 2: if random.next() % 60 == 0 { state[index] = min(100, max(5, state[index] + random.step(1))) }
            case 3: if random.next() % 12 == 0 { state[index] += random.step(1) }
            case 4: if random.next() % 30 == 0 { state[index] += 1 }
            case 5: if random.next() % 2_000 == 0 { state[index] = 1 - state[index] }
            case 6: state[index] = min(max(state[index] + random.step(2), 4_980), 5_020)
            default: state[index] = min(max(state[index] + random.step(5), -1_000), 1_000)
            }
            let divisor: Double = switch kind {
            case 0, 3, 4, 7: 10
            case 6: 100
            default: 1
            }
            values[Self.fieldID(index)] = .number(Double(state[index]) / divisor)
        }
        return values
    }
}
