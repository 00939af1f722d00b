import Foundation
import GRDB
import HeliographCore
import HeliographStorageBase

extension SQLiteStore {
    /// Stores a batch in one transaction: head rows, newest values, text values, device last-seen and
    /// the affected rollup buckets. A point for a series and time that already exists replaces it.
    /// Times are kept to the millisecond. Points older than the raw retention are dropped.
    public func write(_ samples: [Sample]) async throws {
        guard !samples.isEmpty else { return }
        let batch = WriteBatch(samples, rawCutoff: configuration.retention.rawCutoff(now: configuration.now().storageMilliseconds))
        let known = seriesIDs.withLock { $0 }
        let retention = configuration.retention
        let now = configuration.now().storageMilliseconds
        let created = try await storageOperation("writing \(samples.count) samples") {
            try await database.write { db in
                var created: [SeriesKey: Int64] = [:]
                var ids: [SeriesKey: Int64] = [:]
                var recomputes: [(series: Int64, rollup: Rollup, buckets: [Int64])] = []
                for key in batch.points.keys {
                    if let id = known[key] {
                        ids[key] = id
                    } else {
                        let id = try Self.seriesID(db, key)
                        ids[key] = id
                        created[key] = id
                    }
                }
                // The newest time already stored per series decides how its rollups are updated.
                let previousNewest = try Self.newestTimes(db, series: Array(ids.values))
                var headRows: [[any DatabaseValueConvertible]] = []
                var latestRows: [[any DatabaseValueConvertible]] = []
                var appendedRollups: [Rollup: [[any DatabaseValueConvertible]]] = [:]
                for (key, points) in batch.points {
                    guard let id = ids[key], let newest = points.last else { continue }
                    for point in points {
                        headRows.append([id, point.time, Int64(bitPattern: point.value.bitPattern)])
                    }
                    latestRows.append([id, newest.time, Int64(bitPattern: newest.value.bitPattern)])
                    let appendOnly = previousNewest[id].map { points[0].time > $0 } ?? true
                    for rollup in Rollup.allCases {
                        // Buckets the tier's retention already dropped are not recreated.
                        let kept = points.filter { retention.keeps(rollup, bucket: rollup.bucketStart($0.time), now: now) }
                        guard !kept.isEmpty else { continue }
                        if appendOnly {
                            for bucket in Accumulator.buckets(kept, rollup: rollup) {
                                let a = bucket.accumulator
                                appendedRollups[rollup, default: []].append([id, bucket.start, a.min, a.max, a.sum, a.count, a.last])
                            }
                        } else {
                            recomputes.append((id, rollup, Array(Set(kept.map { rollup.bucketStart($0.time) }))))
                        }
                    }
                }
                try Self.insertRows(db, "INSERT OR REPLACE INTO head (series_id, time, bits) VALUES", columns: 3, rows: headRows)
                try Self.insertRows(
                    db,
                    "INSERT INTO latest (series_id, time, bits) VALUES",
                    columns: 3,
                    rows: latestRows,
                    suffix: "ON CONFLICT (series_id) DO UPDATE SET time = excluded.time, bits = excluded.bits WHERE excluded.time >= latest.time"
                )
                // Points newer than everything stored fold into their buckets; anything else (late or
                // replacing points) recomputes the touched buckets exactly, finer tiers first.
                for rollup in Rollup.allCases {
                    try Self.insertRows(
                        db,
                        "INSERT INTO \(rollup.tableName) (series_id, bucket, min, max, sum, count, last) VALUES",
                        columns: 7,
                        rows: appendedRollups[rollup] ?? [],
                        suffix: """
                            ON CONFLICT (series_id, bucket) DO UPDATE SET min = min(\(rollup.tableName).min, excluded.min),
                                max = max(\(rollup.tableName).max, excluded.max), sum = \(rollup.tableName).sum + excluded.sum,
                                count = \(rollup.tableName).count + excluded.count, last = excluded.last
                            """
                    )
                }
                for recompute in recomputes {
                    try Self.recompute(db, series: recompute.series, rollup: recompute.rollup, buckets: recompute.buckets, retention: retention, now: now)
                }
                let upsertText = try db.cachedStatement(sql: """
                    INSERT INTO text_latest (device, field, time, value) VALUES (?, ?, ?, ?)
                    ON CONFLICT (device, field) DO UPDATE SET time = excluded.time, value = excluded.value
                    WHERE excluded.time >= text_latest.time
                    """)
                for (key, text) in batch.texts {
                    try upsertText.execute(arguments: [key.device.rawValue, key.field.rawValue, text.time, text.value])
                }
                let upsertDevice = try db.cachedStatement(sql: """
                    INSERT INTO device (id, descriptor, first_seen, last_seen) VALUES (?, NULL, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen),
                        last_seen = max(last_seen, excluded.last_seen)
                    """)
                for (device, seen) in batch.seen {
                    try upsertDevice.execute(arguments: [device.rawValue, seen.lowerBound, seen.upperBound])
                }
                return created
            }
        }
        if !created.isEmpty {
            seriesIDs.withLock { $0.merge(created) { old, _ in old } }
        }
    }

    /// The newest stored time of each of the series that has one.
    static func newestTimes(_ db: Database, series: [Int64]) throws -> [Int64: Int64] {
        var result: [Int64: Int64] = [:]
        for start in stride(from: 0, to: series.count, by: 500) {
            let slice = Array(series[start..<min(start + 500, series.count)])
            let placeholders = Array(repeating: "?", count: slice.count).joined(separator: ",")
            let rows = try Row.fetchCursor(db, sql: "SELECT series_id, time FROM latest WHERE series_id IN (\(placeholders))", arguments: StatementArguments(slice))
            while let row = try rows.next() { result[row[0]] = row[1] }
        }
        return result
    }

    /// Inserts rows with multi-row VALUES statements of up to `maximumRowsPerStatement` rows each,
    /// which costs far fewer statement executions than one row at a time.
    ///
    /// The statements are cached on the connection, one per SQL text, and GRDB's cache never evicts:
    /// a statement for every row count a batch happened to have (1 to 100 per table) used to fill it
    /// over days, several MB of prepared statements and their last arguments (README, "Soak").
    /// Statements hold a power of two of rows, so each prefix caches at most 8.
    static func insertRows(_ db: Database, _ prefix: String, columns: Int, rows: [[any DatabaseValueConvertible]], suffix: String = "") throws {
        let tuple = "(" + Array(repeating: "?", count: columns).joined(separator: ",") + ")"
        var index = 0
        for count in statementRowCounts(rows.count) {
            let sql = "\(prefix) \(Array(repeating: tuple, count: count).joined(separator: ",")) \(suffix)"
            let statement = try db.cachedStatement(sql: sql)
            var values: [any DatabaseValueConvertible] = []
            values.reserveCapacity(count * columns)
            for row in rows[index..<(index + count)] { values += row }
            try statement.execute(arguments: StatementArguments(values))
            index += count
        }
    }

    /// Rows per statement that `insertRows` uses for `rowCount` rows: as many full statements as fit,
    /// then the rest by its binary digits (100 rows: 64, 32, 4), so only 8 sizes ever occur.
    static func statementRowCounts(_ rowCount: Int) -> [Int] {
        var counts = Array(repeating: maximumRowsPerStatement, count: rowCount / maximumRowsPerStatement)
        var size = maximumRowsPerStatement / 2
        var rest = rowCount % maximumRowsPerStatement
        while rest > 0 {
            if rest >= size {
                counts.append(size)
                rest -= size
            }
            size /= 2
        }
        return counts
    }

    /// Rows in the largest insert statement: a power of two (so the sizes below it are its binary digits).
    static let maximumRowsPerStatement = 128

    /// The id of a series, created when new.
    package static func seriesID(_ db: Database, _ key: SeriesKey) throws -> Int64 {
        if let id = try Int64.fetchOne(db, sql: "SELECT id FROM series WHERE device = ? AND field = ?", arguments: [key.device.rawValue, key.field.rawValue]) {
            return id
        }
        try db.execute(sql: "INSERT INTO series (device, field) VALUES (?, ?)", arguments: [key.device.rawValue, key.field.rawValue])
        return db.lastInsertedRowID
    }
}
