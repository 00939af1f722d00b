import Foundation
import HeliographCore
import HeliographStorageBase
import PostgresNIO

extension PostgresStore {
    /// Makes sure a partition exists for every time in `times` (ms), creating missing ones. Known
    /// partitions are cached; creation runs under an advisory lock so concurrent writers create each once.
    /// A TimescaleDB hypertable makes its chunks itself, so this does nothing there.
    func ensurePartitions(covering times: [Int64], layout: SchemaLayout) async throws {
        guard layout.partitioning == "native" else { return }
        let span = layout.partitionSpan
        let starts = Set(times.map { StorageTime.floor($0, span) })
        let missing = knownPartitions.withLock { known in starts.subtracting(known) }
        guard !missing.isEmpty else { return }
        try await transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(self.schema)), \(AdvisoryLock.partitions))", logger: self.logger)
            let existing = Set(
                try await self.int64s(connection, "SELECT \(sqlMilliseconds("start_time")) FROM \(self.schema).point_partition")
            )
            for start in missing.sorted() where !existing.contains(start) {
                let name = Self.partitionName(start: start)
                try await self.execute(
                    connection,
                    """
                    CREATE TABLE \(self.schema).\(name) PARTITION OF \(self.schema).point
                    FOR VALUES FROM ('\(Self.literal(start))') TO ('\(Self.literal(start + span))')
                    """
                )
                try await self.execute(
                    connection,
                    "INSERT INTO \(self.schema).point_partition (name, start_time, end_time) VALUES ('\(name)', '\(Self.literal(start))', '\(Self.literal(start + span))')"
                )
                self.logger.debug("partition created", metadata: ["storage.partition": "\(name)"])
            }
        }
        knownPartitions.withLock { $0.formUnion(missing) }
    }

    /// Drops partitions (or TimescaleDB chunks) entirely older than `cutoff` and deletes the older
    /// points left in the partition holding it. Returns the rows and partitions removed.
    func dropPoints(olderThan cutoff: Int64, layout: SchemaLayout) async throws -> (partitions: Int, rows: Int) {
        var dropped = 0
        if layout.partitioning == "native" {
            dropped = try await transaction { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(self.schema)), \(AdvisoryLock.partitions))", logger: self.logger)
                let old = try await self.strings(
                    connection,
                    "SELECT name FROM \(self.schema).point_partition WHERE end_time <= '\(Self.literal(cutoff))' ORDER BY start_time"
                )
                for name in old {
                    try await self.execute(connection, "DROP TABLE \(self.schema).\(name)")
                    try await self.execute(connection, "DELETE FROM \(self.schema).point_partition WHERE name = '\(name)'")
                }
                return old.count
            }
            knownPartitions.withLock { known in known = known.filter { $0 + layout.partitionSpan > cutoff } }
        } else {
            dropped = try await client.withConnection { connection in
                try await self.strings(connection, "SELECT drop_chunks('\(self.schema).point', older_than => '\(Self.literal(cutoff))'::timestamptz)::text").count
            }
        }
        let rows = try await client.withConnection { connection in
            try await self.int64s(
                connection,
                "WITH gone AS (DELETE FROM \(self.schema).point WHERE time < '\(Self.literal(cutoff))' RETURNING 1) SELECT count(*)::int8 FROM gone"
            ).first ?? 0
        }
        return (dropped, Int(rows))
    }

    /// `start` ms as a partition name: `point_20261123` for whole days, `point_20261123t06` otherwise.
    static func partitionName(start: Int64) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = Date(storageMilliseconds: start)
        let parts = calendar.dateComponents([.year, .month, .day, .hour], from: date)
        let day = String(format: "point_%04d%02d%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
        return start % 86_400_000 == 0 ? day : day + String(format: "t%02d", parts.hour ?? 0)
    }

    /// An exact timestamptz literal in UTC for `ms` since 1970, for DDL (which takes no parameters).
    static func literal(_ milliseconds: Int64) -> String {
        let seconds = StorageTime.floor(milliseconds, 1_000) / 1_000
        let fraction = milliseconds - seconds * 1_000
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(seconds)))
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d.%03d+00",
            parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0, Int(fraction)
        )
    }

    /// The first column of every row, as int8.
    func int64s(_ connection: PostgresConnection, _ sql: String) async throws -> [Int64] {
        var result: [Int64] = []
        for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int64.self) {
            result.append(value)
        }
        return result
    }
}
