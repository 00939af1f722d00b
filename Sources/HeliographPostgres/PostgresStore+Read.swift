import Foundation
import HeliographCore
import HeliographStorageBase
import PostgresNIO

extension PostgresStore {
    public func points(_ series: SeriesKey, from: Date, to: Date) async throws -> [Point] {
        guard let span = StorageTime.span(from: from, to: to) else { return [] }
        return try await operation("reading points of \(series)") {
            try await self.client.withConnection { connection in
                try await self.rawPoints(connection, series, from: span.lowerBound, to: span.upperBound).map(\.point)
            }
        }
    }

    /// Points of one series in [from, to) ms, oldest first.
    func rawPoints(_ connection: PostgresConnection, _ series: SeriesKey, from: Int64, to: Int64) async throws -> [StoredPoint] {
        let rows = try await run(
            connection,
            """
            SELECT \(sqlMilliseconds("p.time")), p.value FROM \(schema).point AS p JOIN \(schema).series AS s ON s.id = p.series_id
            WHERE s.device = $1 AND s.field = $2 AND p.time >= \(Int64.sqlTime("$3")) AND p.time < \(Int64.sqlTime("$4"))
            ORDER BY p.time
            """,
            series.device.rawValue, series.field.rawValue, from, to
        )
        var points: [StoredPoint] = []
        for try await (time, value) in rows.decode((Int64, Double).self) { points.append(StoredPoint(time: time, value: value)) }
        return points
    }

    /// Buckets starting from the one holding `from` up to `to` (exclusive), oldest first. Rollup rows
    /// serve the range the tier still keeps; the older part, dropped by the tier's retention, is
    /// computed from raw points.
    public func aggregates(_ series: SeriesKey, from: Date, to: Date, step: Rollup) async throws -> [AggregatePoint] {
        guard let ranges = AggregateRanges(from: from, to: to, step: step, retention: configuration.retention, now: Date()) else { return [] }
        return try await operation("reading aggregates of \(series)") {
            try await self.client.withConnection { connection in
                var result: [AggregatePoint] = []
                if let raw = ranges.raw {
                    let points = try await self.rawPoints(connection, series, from: raw.lowerBound, to: raw.upperBound)
                    result += Accumulator.buckets(points, rollup: step).map { $0.accumulator.aggregate(at: $0.start) }
                }
                guard let stored = ranges.rollup else { return result }
                let rows = try await self.run(
                    connection,
                    """
                    SELECT \(sqlMilliseconds("r.bucket")), r.min, r.max, r.sum, r.count::int8, r.last
                    FROM \(self.schema).\(step.tableName) AS r JOIN \(self.schema).series AS s ON s.id = r.series_id
                    WHERE s.device = $1 AND s.field = $2 AND r.bucket >= \(Int64.sqlTime("$3")) AND r.bucket < \(Int64.sqlTime("$4"))
                    ORDER BY r.bucket
                    """,
                    series.device.rawValue, series.field.rawValue, stored.lowerBound, stored.upperBound
                )
                for try await (bucket, min, max, sum, count, last) in rows.decode((Int64, Double, Double, Double, Int64, Double).self) {
                    result.append(Accumulator.aggregate(bucket: bucket, min: min, max: max, sum: sum, count: Int(count), last: last))
                }
                return result
            }
        }
    }

    public func latestReadings(device: DeviceID) async throws -> LatestReadings? {
        try await operation("reading the latest values of \(device)") {
            try await self.client.withConnection { connection in
                var fields: [FieldID: LatestReadings.Reading] = [:]
                let numbers = try await self.run(
                    connection,
                    """
                    SELECT s.field, \(sqlMilliseconds("l.time")), l.value FROM \(self.schema).latest AS l
                    JOIN \(self.schema).series AS s ON s.id = l.series_id WHERE s.device = $1
                    """,
                    device.rawValue
                )
                for try await (field, time, value) in numbers.decode((String, Int64, Double).self) {
                    fields[FieldID(rawValue: field)] = .init(value: .number(value), time: Date(storageMilliseconds: time))
                }
                let texts = try await self.run(
                    connection,
                    "SELECT field, \(sqlMilliseconds("time")), value FROM \(self.schema).text_latest WHERE device = $1",
                    device.rawValue
                )
                for try await (field, time, value) in texts.decode((String, Int64, String).self) {
                    fields[FieldID(rawValue: field)] = .init(value: .text(value), time: Date(storageMilliseconds: time))
                }
                return LatestReadings(device: device, fields: fields)
            }
        }
    }

    public func series() async throws -> [SeriesKey] {
        try await operation("listing series") {
            try await self.client.withConnection { connection in
                let rows = try await self.run(connection, "SELECT device, field FROM \(self.schema).series ORDER BY device COLLATE \"C\", field COLLATE \"C\"")
                var result: [SeriesKey] = []
                for try await (device, field) in rows.decode((String, String).self) {
                    result.append(SeriesKey(device: DeviceID(rawValue: device), field: FieldID(rawValue: field)))
                }
                return result
            }
        }
    }

    /// Size of the store's tables (indexes included), its points and the time span they cover.
    ///
    /// The point count is exact up to a million rows and PostgreSQL's planner estimate beyond, since
    /// counting billions of rows for a status page would take minutes. The oldest time is found per
    /// series through the primary key, the newest from the latest values.
    public func statistics() async throws -> StoreStatistics {
        try await operation("reading statistics") {
            let layout = try await self.prepareSchema()
            return try await self.client.withConnection { connection in
                let s = self.schema
                let bytesSQL = layout.partitioning == "timescaledb"
                    ? """
                    SELECT (hypertable_size('\(s).point') + coalesce(sum(pg_total_relation_size(c.oid)), 0))::int8 FROM pg_class AS c
                    JOIN pg_namespace AS n ON n.oid = c.relnamespace WHERE n.nspname = '\(s)' AND c.relkind = 'r' AND c.relname <> 'point'
                    """
                    : """
                    SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::int8 FROM pg_class AS c
                    JOIN pg_namespace AS n ON n.oid = c.relnamespace WHERE n.nspname = '\(s)' AND c.relkind = 'r'
                    """
                let bytes = try await self.int64s(connection, bytesSQL).first ?? 0
                let series = try await self.int64s(connection, "SELECT count(*)::int8 FROM \(s).series").first ?? 0
                let estimate = try await self.int64s(
                    connection,
                    layout.partitioning == "timescaledb"
                        ? "SELECT approximate_row_count('\(s).point')::int8"
                        : """
                        SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::int8 FROM pg_class AS c
                        JOIN pg_namespace AS n ON n.oid = c.relnamespace WHERE n.nspname = '\(s)' AND c.relname LIKE 'point\\_%' AND c.relname <> 'point_partition' AND c.relkind = 'r'
                        """
                ).first ?? 0
                let points = estimate > 1_000_000 ? estimate : (try await self.int64s(connection, "SELECT count(*)::int8 FROM \(s).point").first ?? 0)
                let oldest = try await self.optionalInt64(
                    connection,
                    """
                    SELECT min(first) FROM \(s).series AS s CROSS JOIN LATERAL
                        (SELECT \(sqlMilliseconds("p.time")) AS first FROM \(s).point AS p WHERE p.series_id = s.id ORDER BY p.time LIMIT 1) AS f
                    """
                )
                let newest = points == 0 ? nil : (try await self.optionalInt64(connection, "SELECT max(\(sqlMilliseconds("time"))) FROM \(s).latest"))
                return StoreStatistics(
                    bytesOnDisk: bytes,
                    series: Int(series),
                    points: points,
                    oldest: oldest.map(Date.init(storageMilliseconds:)),
                    newest: newest.map(Date.init(storageMilliseconds:))
                )
            }
        }
    }

    func optionalInt64(_ connection: PostgresConnection, _ sql: String) async throws -> Int64? {
        for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int64?.self) {
            return value
        }
        return nil
    }

    /// Energy per local calendar day (in `configuration.timeZone`), by the same rules as the SQLite store.
    /// - Throws: `invalidRequest` when the field is neither an energy counter nor a power reading.
    public func dailyEnergy(device: DeviceID, field: FieldID, from: Date, to: Date) async throws -> [DailyEnergy] {
        guard let request = DailyEnergyRequest(device: device, field: field, from: from, to: to, timeZone: configuration.timeZone) else { return [] }
        let (points, unit) = try await operation("reading energy of \(request.key)") {
            try await self.client.withConnection { connection -> ([StoredPoint], FieldDescriptor.Unit?) in
                var json: String?
                let rows = try await self.run(connection, "SELECT descriptor::text FROM \(self.schema).device WHERE id = $1 AND descriptor IS NOT NULL", device.rawValue)
                for try await text in rows.decode(String.self) { json = text }
                return (try await self.rawPoints(connection, request.key, from: request.readFrom, to: request.end), StoreJSON.unit(of: field, inDescriptor: json))
            }
        }
        return try request.energy(points, unit: unit, rules: configuration.energy)
    }
}
