import Foundation
import GRDB
import HeliographCore

extension SQLiteStore {
    /// Stores a batch in one transaction: head rows, newest values, text values, device last-seen and
    /// the affected rollup buckets. A point for a series and time that already exists replaces it.
    /// Times are kept to the millisecond. Points older than the raw retention are dropped.
    public func write(_ samples: [Sample]) async throws {
        guard !samples.isEmpty else { return }
        let batch = WriteBatch(samples, rawCutoff: cutoff(days: configuration.retention.rawDays, now: Date()))
        let known = seriesIDs.withLock { $0 }
        let retention = configuration.retention
        let now = Date().storageMilliseconds
        let created = try await storageOperation("writing \(samples.count) samples") {
            try await database.write { db in
                var created: [SeriesKey: Int64] = [:]
                var ids: [SeriesKey: Int64] = [:]
                for key in batch.points.keys {
                    if let id = known[key] {
                        ids[key] = id
                    } else {
                        let id = try Self.seriesID(db, key)
                        ids[key] = id
                        created[key] = id
                    }
                }
                let insertHead = try db.cachedStatement(sql: "INSERT OR REPLACE INTO head (series_id, time, bits) VALUES (?, ?, ?)")
                let upsertLatest = try db.cachedStatement(sql: """
                    INSERT INTO latest (series_id, time, bits) VALUES (?, ?, ?)
                    ON CONFLICT (series_id) DO UPDATE SET time = excluded.time, bits = excluded.bits
                    WHERE excluded.time >= latest.time
                    """)
                var touched: [Rollup: Set<BucketKey>] = [:]
                for (key, points) in batch.points {
                    guard let id = ids[key] else { continue }
                    var newest = points[0]
                    for point in points {
                        try insertHead.execute(arguments: [id, point.time, Int64(bitPattern: point.value.bitPattern)])
                        if point.time >= newest.time { newest = point }
                        for rollup in Rollup.allCases {
                            touched[rollup, default: []].insert(BucketKey(series: id, start: rollup.bucketStart(point.time)))
                        }
                    }
                    try upsertLatest.execute(arguments: [id, newest.time, Int64(bitPattern: newest.value.bitPattern)])
                }
                // Finer tiers first: each coarser bucket is summed from the tier below. Buckets the
                // tier's retention already dropped are not recreated.
                for rollup in Rollup.allCases {
                    let tierCutoff = Self.cutoff(days: retention.days(for: rollup), now: now)
                    for bucket in touched[rollup] ?? [] where tierCutoff.map({ bucket.start + rollup.milliseconds > $0 }) ?? true {
                        try Self.recompute(db, rollup: rollup, bucket: bucket, retention: retention, now: now)
                    }
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

    /// The id of a series, created when new.
    static func seriesID(_ db: Database, _ key: SeriesKey) throws -> Int64 {
        if let id = try Int64.fetchOne(db, sql: "SELECT id FROM series WHERE device = ? AND field = ?", arguments: [key.device.rawValue, key.field.rawValue]) {
            return id
        }
        try db.execute(sql: "INSERT INTO series (device, field) VALUES (?, ?)", arguments: [key.device.rawValue, key.field.rawValue])
        return db.lastInsertedRowID
    }

    /// The start of the oldest time a tier keeps, in ms, or nil when it keeps everything.
    func cutoff(days: Int, now: Date) -> Int64? {
        Self.cutoff(days: days, now: now.storageMilliseconds)
    }

    static func cutoff(days: Int, now: Int64) -> Int64? {
        days > 0 ? now - Int64(days) * 86_400_000 : nil
    }
}

/// One rollup bucket of one series.
struct BucketKey: Hashable, Sendable {
    var series: Int64
    var start: Int64
}

/// A batch of samples regrouped by series, deduplicated (the last value for a time wins) and sorted.
struct WriteBatch: Sendable {
    var points: [SeriesKey: [StoredPoint]] = [:]
    var texts: [SeriesKey: (time: Int64, value: String)] = [:]
    /// Oldest and newest sample time per device.
    var seen: [DeviceID: ClosedRange<Int64>] = [:]

    init(_ samples: [Sample], rawCutoff: Int64?) {
        var byTime: [SeriesKey: [Int64: Double]] = [:]
        for sample in samples {
            let time = sample.time.storageMilliseconds
            seen[sample.device] = seen[sample.device].map { min($0.lowerBound, time)...max($0.upperBound, time) } ?? time...time
            for (field, value) in sample.values {
                let key = SeriesKey(device: sample.device, field: field)
                if let number = value.numeric {
                    if let rawCutoff, time < rawCutoff { continue }
                    byTime[key, default: [:]][time] = number
                } else if let text = value.text, texts[key].map({ $0.time <= time }) ?? true {
                    texts[key] = (time, text)
                }
            }
        }
        for (key, values) in byTime {
            points[key] = values.map { StoredPoint(time: $0.key, value: $0.value) }.sorted { $0.time < $1.time }
        }
    }
}
