import Foundation
import HeliographCore
import HeliographStorageBase
import Logging
import PostgresNIO

/// What one maintenance pass of the PostgreSQL store did.
public struct PostgresMaintenanceReport: Sendable, Hashable {
    /// Partitions (or TimescaleDB chunks) dropped whole by retention.
    public var droppedPartitions = 0
    /// Rows deleted by retention, over all tiers.
    public var expiredRows = 0

    public init() {}

    var metadata: Logger.Metadata {
        ["storage.dropped_partitions": "\(droppedPartitions)", "storage.expired_rows": "\(expiredRows)"]
    }
}

extension PostgresStore {
    /// Applies retention as of `now` and creates the partitions for now and the next span ahead, so
    /// writes seldom wait for DDL.
    @discardableResult
    public func runMaintenance(now: Date = Date()) async throws -> PostgresMaintenanceReport {
        let nowMilliseconds = now.storageMilliseconds
        let retention = configuration.retention
        return try await operation("storage maintenance") {
            let layout = try await self.prepareSchema()
            var report = PostgresMaintenanceReport()
            try await self.ensurePartitions(covering: [nowMilliseconds, nowMilliseconds + layout.partitionSpan], layout: layout)
            if let cutoff = retention.rawCutoff(now: nowMilliseconds) {
                let dropped = try await self.dropPoints(olderThan: cutoff, layout: layout)
                report.droppedPartitions = dropped.partitions
                report.expiredRows += dropped.rows
            }
            for rollup in Rollup.allCases {
                guard let cutoff = retention.cutoff(rollup, now: nowMilliseconds) else { continue }
                let removed = try await self.client.withConnection { connection in
                    try await self.int64s(
                        connection,
                        """
                        WITH gone AS (DELETE FROM \(self.schema).\(rollup.tableName) WHERE bucket <= '\(Self.literal(cutoff - rollup.milliseconds))' RETURNING 1)
                        SELECT count(*)::int8 FROM gone
                        """
                    ).first ?? 0
                }
                report.expiredRows += Int(removed)
            }
            return report
        }
    }
}

extension PostgresStore {
    /// Deletes the store's schema with every table in it: all history of this store. For benchmarks
    /// and tools that made a schema of their own.
    public func dropSchema() async throws {
        try await operation("dropping schema \(schema)") {
            try await self.client.withConnection { connection in
                try await self.execute(connection, "DROP SCHEMA IF EXISTS \(self.schema) CASCADE")
            }
        }
        await setup.reset()
        seriesIDs.withLock { $0.removeAll() }
        knownPartitions.withLock { $0.removeAll() }
    }
}
