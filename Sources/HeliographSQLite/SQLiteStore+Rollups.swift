import Foundation
import GRDB
import HeliographCore
import HeliographStorageBase

extension SQLiteStore {
    /// Recomputes rollup buckets of one series exactly: from the finer tier when that tier still
    /// holds the whole bucket, otherwise from the raw points. An empty bucket loses its row.
    ///
    /// Buckets close together are read with one range query, so a batch costs a few statements per
    /// series and tier rather than per bucket.
    static func recompute(_ db: Database, series: Int64, rollup: Rollup, buckets: [Int64], retention: Configuration.Retention, now: Int64) throws {
        let width = rollup.milliseconds
        let finer = rollup.finer
        let finerCutoff = finer.flatMap { retention.cutoff($0, now: now) }
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

    package static func upsertRollup(_ db: Database, rollup: Rollup, series: Int64, start: Int64, _ accumulator: Accumulator) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO \(rollup.tableName) (series_id, bucket, min, max, sum, count, last) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .execute(arguments: [series, start, accumulator.min, accumulator.max, accumulator.sum, accumulator.count, accumulator.last])
    }

    /// Buckets starting from the one holding `from` up to `to` (exclusive), oldest first. Rollup rows
    /// serve the range the tier still keeps; the older part, dropped by the tier's retention, is
    /// computed from raw points.
    public func aggregates(_ series: SeriesKey, from: Date, to: Date, step: Rollup) async throws -> [AggregatePoint] {
        guard let ranges = AggregateRanges(from: from, to: to, step: step, retention: configuration.retention, now: configuration.now()) else { return [] }
        return try await storageOperation("reading aggregates of \(series)") {
            try await database.read { db in
                guard let id = try Self.existingSeriesID(db, series) else { return [] }
                var result: [AggregatePoint] = []
                if let raw = ranges.raw {
                    let points = try Self.rawPoints(db, series: id, from: raw.lowerBound, to: raw.upperBound)
                    result += Accumulator.buckets(points, rollup: step).map { $0.accumulator.aggregate(at: $0.start) }
                }
                guard let stored = ranges.rollup else { return result }
                let rows = try Row.fetchCursor(
                    db,
                    sql: "SELECT bucket, min, max, sum, count, last FROM \(step.tableName) WHERE series_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket",
                    arguments: [id, stored.lowerBound, stored.upperBound]
                )
                while let row = try rows.next() {
                    result.append(Accumulator.aggregate(bucket: row[0], min: row[1], max: row[2], sum: row[3], count: row[4], last: row[5]))
                }
                return result
            }
        }
    }
}
