import Foundation
import GRDB
import HeliographCore

/// min, max, sum, count and last of a run of values; the exact state a rollup row stores.
struct Accumulator: Sendable {
    var min = Double.infinity
    var max = -Double.infinity
    var sum = 0.0
    var count = 0
    var last = 0.0

    /// Adds a value in time order. Non-finite values (NaN, ±inf) are not aggregated.
    mutating func add(_ value: Double) {
        guard value.isFinite else { return }
        min = Swift.min(min, value)
        max = Swift.max(max, value)
        sum += value
        count += 1
        last = value
    }

    /// Folds in a finer bucket's summary; buckets must come in time order.
    mutating func merge(min: Double, max: Double, sum: Double, count: Int, last: Double) {
        guard count > 0 else { return }
        self.min = Swift.min(self.min, min)
        self.max = Swift.max(self.max, max)
        self.sum += sum
        self.count += count
        self.last = last
    }

    func aggregate(at time: Int64) -> AggregatePoint {
        AggregatePoint(time: Date(storageMilliseconds: time), min: min, max: max, mean: sum / Double(count), last: last, count: count)
    }

    /// Buckets the points (sorted by time) of one series.
    static func buckets(_ points: [StoredPoint], rollup: Rollup) -> [(start: Int64, accumulator: Accumulator)] {
        var result: [(start: Int64, accumulator: Accumulator)] = []
        for point in points where point.value.isFinite {
            let start = rollup.bucketStart(point.time)
            if result.last?.start != start { result.append((start, Accumulator())) }
            result[result.count - 1].accumulator.add(point.value)
        }
        return result
    }
}

extension SQLiteStore {
    /// Recomputes rollup buckets of one series exactly: from the finer tier when that tier still
    /// holds the whole bucket, otherwise from the raw points. An empty bucket loses its row.
    ///
    /// Buckets close together are read with one range query, so a batch costs a few statements per
    /// series and tier rather than per bucket.
    static func recompute(_ db: Database, series: Int64, rollup: Rollup, buckets: [Int64], retention: Configuration.Retention, now: Int64) throws {
        let width = rollup.milliseconds
        let finer = rollup.finer
        let finerCutoff = finer.flatMap { cutoff(days: retention.days(for: $0), now: now) }
        var results: [Int64: Accumulator] = [:]
        for run in runs(buckets.sorted(), width: width) {
            let from = run.first!
            let to = run.last! + width
            if let finer, finerCutoff.map({ from >= $0 }) ?? true {
                let rows = try Row.fetchCursor(
                    db,
                    sql: "SELECT bucket, min, max, sum, count, last FROM \(finer.tableName) WHERE series_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket",
                    arguments: [series, from, to]
                )
                while let row = try rows.next() {
                    let start = rollup.bucketStart(row[0])
                    results[start, default: Accumulator()].merge(min: row[1], max: row[2], sum: row[3], count: row[4], last: row[5])
                }
            } else {
                for point in try rawPoints(db, series: series, from: from, to: to) {
                    results[rollup.bucketStart(point.time), default: Accumulator()].add(point.value)
                }
            }
        }
        let delete = try db.cachedStatement(sql: "DELETE FROM \(rollup.tableName) WHERE series_id = ? AND bucket = ?")
        for bucket in buckets {
            if let accumulator = results[bucket], accumulator.count > 0 {
                try upsertRollup(db, rollup: rollup, series: series, start: bucket, accumulator)
            } else {
                try delete.execute(arguments: [series, bucket])
            }
        }
    }

    /// Splits sorted bucket starts into runs with gaps of at most a few buckets, each read with one query.
    static func runs(_ buckets: [Int64], width: Int64) -> [[Int64]] {
        var runs: [[Int64]] = []
        for bucket in buckets {
            if let last = runs.last?.last, bucket - last <= 4 * width {
                runs[runs.count - 1].append(bucket)
            } else {
                runs.append([bucket])
            }
        }
        return runs
    }

    static func upsertRollup(_ db: Database, rollup: Rollup, series: Int64, start: Int64, _ accumulator: Accumulator) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO \(rollup.tableName) (series_id, bucket, min, max, sum, count, last) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .execute(arguments: [series, start, accumulator.min, accumulator.max, accumulator.sum, accumulator.count, accumulator.last])
    }

    /// Buckets starting from the one holding `from` up to `to` (exclusive), oldest first. Rollup rows
    /// serve the range the tier still keeps; the older part, dropped by the tier's retention, is
    /// computed from raw points.
    public func aggregates(_ series: SeriesKey, from: Date, to: Date, step: Rollup) async throws -> [AggregatePoint] {
        let start = step.bucketStart(from.storageMilliseconds)
        let end = to.storageMilliseconds
        guard end > start else { return [] }
        let tierCutoff = cutoff(days: configuration.retention.days(for: step), now: configuration.now()).map { step.bucketStart($0) + step.milliseconds }
        return try await storageOperation("reading aggregates of \(series)") {
            try await database.read { db in
                guard let id = try Self.existingSeriesID(db, series) else { return [] }
                var result: [AggregatePoint] = []
                var rollupStart = start
                if let tierCutoff, start < tierCutoff {
                    let rawEnd = min(end, tierCutoff)
                    let points = try Self.rawPoints(db, series: id, from: start, to: rawEnd)
                    result += Accumulator.buckets(points, rollup: step).map { $0.accumulator.aggregate(at: $0.start) }
                    rollupStart = rawEnd
                }
                guard rollupStart < end else { return result }
                let rows = try Row.fetchCursor(
                    db,
                    sql: "SELECT bucket, min, max, sum, count, last FROM \(step.tableName) WHERE series_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket",
                    arguments: [id, rollupStart, end]
                )
                while let row = try rows.next() {
                    let count: Int = row[4]
                    let sum: Double = row[3]
                    result.append(AggregatePoint(time: Date(storageMilliseconds: row[0]), min: row[1], max: row[2], mean: sum / Double(count), last: row[5], count: count))
                }
                return result
            }
        }
    }
}
