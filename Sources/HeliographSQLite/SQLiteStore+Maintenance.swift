import Foundation
import GRDB
import HeliographCore
import HeliographStorageBase
import Logging

/// What one maintenance pass did.
public struct MaintenanceReport: Sendable, Hashable {
    /// Head rows moved into chunks.
    public var compactedPoints = 0
    /// Chunk rows written (including rewritten ones that received late points).
    public var chunksWritten = 0
    /// Rows removed by retention, over all tiers.
    public var expiredRows = 0

    public init() {}

    var metadata: Logger.Metadata {
        ["storage.compacted_points": "\(compactedPoints)", "storage.chunks_written": "\(chunksWritten)", "storage.expired_rows": "\(expiredRows)"]
    }
}

extension SQLiteStore {
    /// Compacts every closed window and applies retention, as of `now` (default: the configured clock).
    ///
    /// A window (`chunkSpan` wide, aligned to 1970) is closed once it ended `compactionDelay` before
    /// `now`. Each series is compacted in its own short transaction so writers wait briefly at most.
    /// Retention removes only rows entirely older than each tier's cutoff.
    @discardableResult
    public func runMaintenance(now: Date? = nil) async throws -> MaintenanceReport {
        var report = MaintenanceReport()
        let nowMilliseconds = (now ?? configuration.now()).storageMilliseconds
        let span = configuration.chunkSpan.milliseconds
        let closedBefore = StorageTime.floor(nowMilliseconds - configuration.compactionDelay.milliseconds, span)
        let maximumPoints = configuration.maximumPointsPerChunk
        try await storageOperation("compacting") {
            let series = try await database.read { db in
                try Int64.fetchAll(db, sql: "SELECT DISTINCT series_id FROM head WHERE time < ?", arguments: [closedBefore])
            }
            for id in series {
                let (points, chunks) = try await database.write { db in
                    try Self.compact(db, series: id, before: closedBefore, span: span, maximumPoints: maximumPoints)
                }
                report.compactedPoints += points
                report.chunksWritten += chunks
            }
        }
        report.expiredRows = try await applyRetention(now: nowMilliseconds)
        return report
    }

    /// Moves the head rows of one series older than `before` into chunks, merging any chunk already
    /// covering the same window (late points), and deletes those head rows.
    static func compact(_ db: Database, series: Int64, before: Int64, span: Int64, maximumPoints: Int) throws -> (points: Int, chunks: Int) {
        var head: [StoredPoint] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT time, bits FROM head WHERE series_id = ? AND time < ? ORDER BY time", arguments: [series, before])
        while let row = try rows.next() {
            head.append(StoredPoint(time: row[0], value: Double(bitPattern: UInt64(bitPattern: row[1]))))
        }
        guard !head.isEmpty else { return (0, 0) }
        var windows: [(start: Int64, points: [StoredPoint])] = []
        for point in head {
            let start = StorageTime.floor(point.time, span)
            if windows.last?.start != start { windows.append((start, [])) }
            windows[windows.count - 1].points.append(point)
        }
        let insert = try db.cachedStatement(sql: "INSERT INTO chunk (series_id, start_time, end_time, count, data) VALUES (?, ?, ?, ?, ?)")
        var chunksWritten = 0
        var longest: Int64 = 0
        for window in windows {
            var existing: [StoredPoint] = []
            let old = try Row.fetchAll(
                db,
                sql: "SELECT data FROM chunk WHERE series_id = ? AND start_time >= ? AND start_time < ? ORDER BY start_time",
                arguments: [series, window.start, window.start + span]
            )
            for row in old {
                let data: Data = row[0]
                do {
                    existing += try ChunkCodec.decode([UInt8](data))
                } catch {
                    throw HeliographError(.storageFailure, "a compressed chunk of series \(series) is corrupt: \(error)", bytes: Array(data.prefix(64)))
                }
            }
            if !old.isEmpty {
                try db.execute(
                    sql: "DELETE FROM chunk WHERE series_id = ? AND start_time >= ? AND start_time < ?",
                    arguments: [series, window.start, window.start + span]
                )
            }
            let points = merge(existing, window.points)
            var index = 0
            while index < points.count {
                let slice = Array(points[index..<min(index + maximumPoints, points.count)])
                let data = ChunkCodec.encode(slice)
                try insert.execute(arguments: [series, slice[0].time, slice[slice.count - 1].time, slice.count, Data(data)])
                longest = max(longest, slice[slice.count - 1].time - slice[0].time)
                chunksWritten += 1
                index += maximumPoints
            }
        }
        try db.execute(sql: "DELETE FROM head WHERE series_id = ? AND time < ?", arguments: [series, before])
        try db.execute(
            sql: "INSERT INTO meta (key, value) VALUES ('longest_chunk_ms', ?) ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)",
            arguments: [longest]
        )
        return (head.count, chunksWritten)
    }

    /// Deletes raw points and rollup buckets older than their tier's retention.
    func applyRetention(now: Int64) async throws -> Int {
        let retention = configuration.retention
        return try await storageOperation("applying retention") {
            try await database.write { db in
                var removed = 0
                if let cutoff = retention.rawCutoff(now: now) {
                    try db.execute(sql: "DELETE FROM head WHERE time < ?", arguments: [cutoff])
                    removed += db.changesCount
                    try db.execute(sql: "DELETE FROM chunk WHERE start_time < ? AND end_time < ?", arguments: [cutoff, cutoff])
                    removed += db.changesCount
                }
                let series = try Int64.fetchAll(db, sql: "SELECT id FROM series")
                for rollup in Rollup.allCases {
                    guard let cutoff = retention.cutoff(rollup, now: now) else { continue }
                    // Per series, so the primary key serves the range instead of a scan of the whole tier.
                    let delete = try db.cachedStatement(sql: "DELETE FROM \(rollup.tableName) WHERE series_id = ? AND bucket <= ?")
                    for id in series {
                        try delete.execute(arguments: [id, cutoff - rollup.milliseconds])
                        removed += db.changesCount
                    }
                }
                return removed
            }
        }
    }
}
