import Foundation
import HeliographCore
import HeliographStorageBase
import PostgresNIO

extension PostgresStore {
    /// Stores a batch in one transaction: points, newest values, text values, device last-seen and
    /// the touched rollup buckets. A point for a series and time that already exists replaces it.
    /// Times are kept to the millisecond. Points older than the raw retention are dropped.
    public func write(_ samples: [Sample]) async throws {
        guard !samples.isEmpty else { return }
        let now = Date().storageMilliseconds
        let batch = WriteBatch(samples, rawCutoff: configuration.retention.rawCutoff(now: now))
        try await operation("writing \(samples.count) samples") {
            let layout = try await self.prepareSchema()
            let ids = try await self.seriesIDs(for: Array(batch.points.keys))
            try await self.ensurePartitions(covering: batch.times, layout: layout)
            do {
                try await self.transaction { connection in
                    try await self.insert(batch, ids: ids, now: now, connection: connection)
                }
            } catch {
                // A partition dropped by another process's retention: forget what is cached so the
                // retry creates what is missing.
                if Self.describe(error).contains("[23514]") { self.knownPartitions.withLock { $0.removeAll() } }
                throw error
            }
        }
    }

    private func insert(_ batch: WriteBatch, ids: [SeriesKey: Int32], now: Int64, connection: PostgresConnection) async throws {
        let s = schema
        // Writers of the same device take turns (in one global order, so they cannot deadlock): rollup
        // buckets are recomputed from what the transaction sees, which must include the other's points.
        try await run(
            connection,
            """
            SELECT pg_advisory_xact_lock(hashtext('\(s)'), key)
            FROM (SELECT DISTINCT hashtext(device) AS key FROM unnest($1::text[]) AS u(device)) AS keys ORDER BY key
            """,
            batch.seen.keys.map(\.rawValue)
        )
        var pointIDs: [Int32] = []
        var pointTimes: [Int64] = []
        var pointValues: [Double] = []
        var latestIDs: [Int32] = []
        var latestTimes: [Int64] = []
        var latestValues: [Double] = []
        for (key, points) in batch.points {
            guard let id = ids[key], let newest = points.last else { continue }
            for point in points {
                pointIDs.append(id)
                pointTimes.append(point.time)
                pointValues.append(point.value)
            }
            latestIDs.append(id)
            latestTimes.append(newest.time)
            latestValues.append(newest.value)
        }
        if !pointIDs.isEmpty {
            try await run(
                connection,
                """
                INSERT INTO \(s).point (series_id, time, value)
                SELECT id, \(Int64.sqlTime("ms")), v FROM unnest($1::int4[], $2::int8[], $3::float8[]) AS u(id, ms, v)
                ON CONFLICT (series_id, time) DO UPDATE SET value = excluded.value
                """,
                pointIDs, pointTimes, pointValues
            )
            try await run(
                connection,
                """
                INSERT INTO \(s).latest AS l (series_id, time, value)
                SELECT id, \(Int64.sqlTime("ms")), v FROM unnest($1::int4[], $2::int8[], $3::float8[]) AS u(id, ms, v)
                ON CONFLICT (series_id) DO UPDATE SET time = excluded.time, value = excluded.value WHERE excluded.time >= l.time
                """,
                latestIDs, latestTimes, latestValues
            )
            try await updateRollups(batch, ids: ids, now: now, connection: connection)
        }
        if !batch.texts.isEmpty {
            let texts = Array(batch.texts)
            try await run(
                connection,
                """
                INSERT INTO \(s).text_latest AS t (device, field, time, value)
                SELECT d, f, \(Int64.sqlTime("ms")), v FROM unnest($1::text[], $2::text[], $3::int8[], $4::text[]) AS u(d, f, ms, v)
                ON CONFLICT (device, field) DO UPDATE SET time = excluded.time, value = excluded.value WHERE excluded.time >= t.time
                """,
                texts.map(\.key.device.rawValue), texts.map(\.key.field.rawValue), texts.map(\.value.time), texts.map(\.value.value)
            )
        }
        let seen = Array(batch.seen)
        try await run(
            connection,
            """
            INSERT INTO \(s).device AS d (id, descriptor, first_seen, last_seen)
            SELECT id, NULL, \(Int64.sqlTime("f")), \(Int64.sqlTime("l")) FROM unnest($1::text[], $2::int8[], $3::int8[]) AS u(id, f, l)
            ON CONFLICT (id) DO UPDATE SET first_seen = least(d.first_seen, excluded.first_seen), last_seen = greatest(d.last_seen, excluded.last_seen)
            """,
            seen.map(\.key.rawValue), seen.map(\.value.lowerBound), seen.map(\.value.upperBound)
        )
    }

    /// Recomputes every rollup bucket the batch touched, exactly, finer tiers first: a minute from the
    /// raw points, an hour from its minutes and a day from its hours while the finer tier still holds
    /// the whole bucket (else from the raw points). Buckets a tier's retention dropped are not recreated.
    private func updateRollups(_ batch: WriteBatch, ids: [SeriesKey: Int32], now: Int64, connection: PostgresConnection) async throws {
        let retention = configuration.retention
        for rollup in Rollup.allCases {
            let finerCutoff = rollup.finer.flatMap { retention.cutoff($0, now: now) }
            var fromFiner: Set<BucketKey> = []
            var fromRaw: Set<BucketKey> = []
            for (key, points) in batch.points {
                guard let id = ids[key] else { continue }
                for point in points {
                    let start = rollup.bucketStart(point.time)
                    guard retention.keeps(rollup, bucket: start, now: now) else { continue }
                    if rollup.finer != nil, finerCutoff.map({ start >= $0 }) ?? true {
                        fromFiner.insert(BucketKey(series: id, start: start))
                    } else {
                        fromRaw.insert(BucketKey(series: id, start: start))
                    }
                }
            }
            if !fromRaw.isEmpty {
                try await recompute(rollup, buckets: fromRaw, source: .raw, removeEmpty: batch.hasNonFinite, connection: connection)
            }
            if let finer = rollup.finer, !fromFiner.isEmpty {
                try await recompute(rollup, buckets: fromFiner, source: .rollup(finer), removeEmpty: batch.hasNonFinite, connection: connection)
            }
        }
    }

    private enum RollupSource {
        case raw
        case rollup(Rollup)
    }

    private func recompute(_ rollup: Rollup, buckets: Set<BucketKey>, source: RollupSource, removeEmpty: Bool, connection: PostgresConnection) async throws {
        let s = schema
        let keys = Array(buckets)
        let bucketsSQL = "(SELECT id, \(Int64.sqlTime("ms")) AS bucket FROM unnest($1::int4[], $2::int8[]) AS u(id, ms)) AS b"
        let aggregate: String
        let sourceRows: String
        switch source {
        case .raw:
            aggregate = "min(p.value), max(p.value), sum(p.value), count(*)::int4, (array_agg(p.value ORDER BY p.time DESC))[1]"
            sourceRows = """
                \(s).point AS p ON p.series_id = b.id AND p.time >= b.bucket AND p.time < b.bucket + \(rollup.sqlInterval)
                    AND p.value NOT IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8)
                """
        case .rollup(let finer):
            aggregate = "min(p.min), max(p.max), sum(p.sum), sum(p.count)::int4, (array_agg(p.last ORDER BY p.bucket DESC))[1]"
            sourceRows = "\(s).\(finer.tableName) AS p ON p.series_id = b.id AND p.bucket >= b.bucket AND p.bucket < b.bucket + \(rollup.sqlInterval)"
        }
        try await run(
            connection,
            """
            INSERT INTO \(s).\(rollup.tableName) AS r (series_id, bucket, min, max, sum, count, last)
            SELECT b.id, b.bucket, \(aggregate) FROM \(bucketsSQL) JOIN \(sourceRows)
            GROUP BY b.id, b.bucket
            ON CONFLICT (series_id, bucket) DO UPDATE SET min = excluded.min, max = excluded.max, sum = excluded.sum,
                count = excluded.count, last = excluded.last
            """,
            keys.map(\.series), keys.map(\.start)
        )
        // A bucket whose only values were replaced by NaN or ±∞ has nothing left to aggregate.
        if removeEmpty {
            try await run(
                connection,
                """
                DELETE FROM \(s).\(rollup.tableName) AS r USING \(bucketsSQL)
                WHERE r.series_id = b.id AND r.bucket = b.bucket AND NOT EXISTS (SELECT 1 FROM (SELECT 1) AS one JOIN \(sourceRows))
                """,
                keys.map(\.series), keys.map(\.start)
            )
        }
    }

    /// The ids of the series, created when new, cached after the first lookup.
    func seriesIDs(for keys: [SeriesKey]) async throws -> [SeriesKey: Int32] {
        let known = seriesIDs.withLock { $0 }
        let missing = keys.filter { known[$0] == nil }
        var result = known
        guard !missing.isEmpty else { return result }
        let created = try await client.withConnection { connection -> [SeriesKey: Int32] in
            let devices = missing.map(\.device.rawValue)
            let fields = missing.map(\.field.rawValue)
            try await self.run(
                connection,
                "INSERT INTO \(self.schema).series (device, field) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (device, field) DO NOTHING",
                devices, fields
            )
            let rows = try await self.run(
                connection,
                "SELECT s.id, s.device, s.field FROM \(self.schema).series AS s JOIN unnest($1::text[], $2::text[]) AS u(device, field) USING (device, field)",
                devices, fields
            )
            var created: [SeriesKey: Int32] = [:]
            for try await (id, device, field) in rows.decode((Int32, String, String).self) {
                created[SeriesKey(device: DeviceID(rawValue: device), field: FieldID(rawValue: field))] = id
            }
            return created
        }
        seriesIDs.withLock { $0.merge(created) { old, _ in old } }
        result.merge(created) { old, _ in old }
        return result
    }

    /// Runs one statement with positional parameters `$1`, `$2`, … bound to `values`.
    @discardableResult
    func run(_ connection: PostgresConnection, _ sql: String, _ values: any PostgresThrowingDynamicTypeEncodable...) async throws -> PostgresRowSequence {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values { try bindings.append(value) }
        return try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
    }
}

/// One rollup bucket of one series.
struct BucketKey: Hashable, Sendable {
    var series: Int32
    var start: Int64
}
