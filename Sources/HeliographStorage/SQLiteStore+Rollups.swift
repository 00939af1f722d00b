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
    /// Recomputes one rollup bucket exactly: from the finer tier when that tier still holds the whole
    /// bucket, otherwise from the raw points. An empty bucket loses its row.
    static func recompute(_ db: Database, rollup: Rollup, bucket: BucketKey, retention: Configuration.Retention, now: Int64) throws {
        var accumulator = Accumulator()
        if let finer = rollup.finer, cutoff(days: retention.days(for: finer), now: now).map({ bucket.start >= $0 }) ?? true {
            let row = try Row.fetchOne(
                db,
                sql: "SELECT min(min), max(max), sum(sum), sum(count) FROM \(finer.tableName) WHERE series_id = ? AND bucket >= ? AND bucket < ?",
                arguments: [bucket.series, bucket.start, bucket.start + rollup.milliseconds]
            )
            if let row, let count: Int = row[3], count > 0 {
                accumulator.min = row[0]
                accumulator.max = row[1]
                accumulator.sum = row[2]
                accumulator.count = count
                accumulator.last = try Double.fetchOne(
                    db,
                    sql: "SELECT last FROM \(finer.tableName) WHERE series_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket DESC LIMIT 1",
                    arguments: [bucket.series, bucket.start, bucket.start + rollup.milliseconds]
                ) ?? 0
            }
        } else {
            for point in try rawPoints(db, series: bucket.series, from: bucket.start, to: bucket.start + rollup.milliseconds) {
                accumulator.add(point.value)
            }
        }
        if accumulator.count == 0 {
            try db.execute(sql: "DELETE FROM \(rollup.tableName) WHERE series_id = ? AND bucket = ?", arguments: [bucket.series, bucket.start])
        } else {
            try upsertRollup(db, rollup: rollup, series: bucket.series, start: bucket.start, accumulator)
        }
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
        let tierCutoff = cutoff(days: configuration.retention.days(for: step), now: Date()).map { step.bucketStart($0) + step.milliseconds }
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
