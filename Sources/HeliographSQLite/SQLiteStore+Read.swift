import Foundation
import GRDB
import HeliographCore
import HeliographStorageBase

extension SQLiteStore {
    public func points(_ series: SeriesKey, from: Date, to: Date) async throws -> [Point] {
        guard let span = StorageTime.span(from: from, to: to) else { return [] }
        return try await storageOperation("reading points of \(series)") {
            try await database.read { db in
                guard let id = try Self.existingSeriesID(db, series) else { return [] }
                return try Self.rawPoints(db, series: id, from: span.lowerBound, to: span.upperBound).map(\.point)
            }
        }
    }

    static func existingSeriesID(_ db: Database, _ key: SeriesKey) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM series WHERE device = ? AND field = ?", arguments: [key.device.rawValue, key.field.rawValue])
    }

    /// Points of one series in [from, to), oldest first, merged from chunks and head; on equal times
    /// the head row (the newer write) wins.
    static func rawPoints(_ db: Database, series: Int64, from: Int64, to: Int64) throws -> [StoredPoint] {
        let longestChunk = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'longest_chunk_ms'") ?? 0
        var chunked: [StoredPoint] = []
        let chunks = try Row.fetchCursor(
            db,
            sql: "SELECT data FROM chunk WHERE series_id = ? AND start_time >= ? AND start_time < ? AND end_time >= ? ORDER BY start_time",
            arguments: [series, from - longestChunk, to, from]
        )
        while let row = try chunks.next() {
            let data: Data = row[0]
            do {
                chunked += try ChunkCodec.decode([UInt8](data)).filter { $0.time >= from && $0.time < to }
            } catch {
                throw HeliographError(.storageFailure, "a compressed chunk of series \(series) is corrupt: \(error)", bytes: Array(data.prefix(64)))
            }
        }
        var head: [StoredPoint] = []
        let rows = try Row.fetchCursor(
            db,
            sql: "SELECT time, bits FROM head WHERE series_id = ? AND time >= ? AND time < ? ORDER BY time",
            arguments: [series, from, to]
        )
        while let row = try rows.next() {
            head.append(StoredPoint(time: row[0], value: Double(bitPattern: UInt64(bitPattern: row[1]))))
        }
        return merge(chunked, head)
    }

    /// Merges two time-sorted runs; `newer` wins on equal times.
    static func merge(_ older: [StoredPoint], _ newer: [StoredPoint]) -> [StoredPoint] {
        if older.isEmpty { return newer }
        if newer.isEmpty { return older }
        var result: [StoredPoint] = []
        result.reserveCapacity(older.count + newer.count)
        var i = 0
        var j = 0
        while i < older.count || j < newer.count {
            if j == newer.count || (i < older.count && older[i].time < newer[j].time) {
                result.append(older[i])
                i += 1
            } else {
                if i < older.count && older[i].time == newer[j].time { i += 1 }
                result.append(newer[j])
                j += 1
            }
        }
        return result
    }

    public func latestReadings(device: DeviceID) async throws -> LatestReadings? {
        try await storageOperation("reading the latest values of \(device)") {
            try await database.read { db in
                var fields: [FieldID: LatestReadings.Reading] = [:]
                let numbers = try Row.fetchAll(
                    db,
                    sql: "SELECT series.field, latest.time, latest.bits FROM latest JOIN series ON series.id = latest.series_id WHERE series.device = ?",
                    arguments: [device.rawValue]
                )
                for row in numbers {
                    let time: Int64 = row[1]
                    let value = FieldValue.number(Double(bitPattern: UInt64(bitPattern: row[2])))
                    fields[FieldID(rawValue: row[0])] = .init(value: value, time: Date(storageMilliseconds: time))
                }
                for row in try Row.fetchAll(db, sql: "SELECT field, time, value FROM text_latest WHERE device = ?", arguments: [device.rawValue]) {
                    let time: Int64 = row[1]
                    fields[FieldID(rawValue: row[0])] = .init(value: .text(row[2]), time: Date(storageMilliseconds: time))
                }
                return LatestReadings(device: device, fields: fields)
            }
        }
    }

    public func series() async throws -> [SeriesKey] {
        try await storageOperation("listing series") {
            try await database.read { db in
                try Row.fetchAll(db, sql: "SELECT device, field FROM series ORDER BY device, field").map {
                    SeriesKey(device: DeviceID(rawValue: $0[0]), field: FieldID(rawValue: $0[1]))
                }
            }
        }
    }

    /// Sizes of the database file plus its WAL, points in head and chunks, and the time span they cover.
    public func statistics() async throws -> StoreStatistics {
        try await storageOperation("reading statistics") {
            let counts = try await database.read { db in
                let head = try Row.fetchOne(db, sql: "SELECT count(*), min(time), max(time) FROM head")
                let chunks = try Row.fetchOne(db, sql: "SELECT coalesce(sum(count), 0), min(start_time), max(end_time) FROM chunk")
                let series = try Int.fetchOne(db, sql: "SELECT count(*) FROM series") ?? 0
                let pages = try Int64.fetchOne(db, sql: "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()") ?? 0
                let headCount: Int64 = head?[0] ?? 0
                let chunkCount: Int64 = chunks?[0] ?? 0
                let oldestHead: Int64? = head?[1]
                let oldestChunk: Int64? = chunks?[1]
                let newestHead: Int64? = head?[2]
                let newestChunk: Int64? = chunks?[2]
                let oldest = [oldestHead, oldestChunk].compactMap { $0 }.min()
                let newest = [newestHead, newestChunk].compactMap { $0 }.max()
                let points = headCount + chunkCount
                return (series: series, points: points, oldest: oldest, newest: newest, pages: pages)
            }
            var bytes = counts.pages
            if case .file(let path) = configuration.location {
                bytes = [path, path + "-wal"].reduce(Int64(0)) { total, file in
                    let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value
                    return total + (size ?? 0)
                }
            }
            return StoreStatistics(
                bytesOnDisk: bytes,
                series: counts.series,
                points: counts.points,
                oldest: counts.oldest.map(Date.init(storageMilliseconds:)),
                newest: counts.newest.map(Date.init(storageMilliseconds:))
            )
        }
    }
}
