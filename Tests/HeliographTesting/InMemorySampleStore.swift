import Foundation
import HeliographCore

/// A `SampleStore` kept in memory, for tests of code that reads history (web, rules) before or
/// without the SQLite store. Aggregates are computed from the raw points, not from rollups.
public actor InMemorySampleStore: SampleStore {
    public nonisolated let name = "memory"
    private var registry: [DeviceID: RegisteredDevice] = [:]
    private var samples: [DeviceID: [Sample]] = [:]
    /// When set, every read throws this error (to test how callers report a failing store).
    private var failure: HeliographError?

    public init() {}

    public func failReads(with error: HeliographError?) { failure = error }

    public func register(_ descriptor: DeviceDescriptor) async throws {
        let now = Date()
        if var known = registry[descriptor.id] {
            known.descriptor = descriptor
            registry[descriptor.id] = known
        } else {
            registry[descriptor.id] = RegisteredDevice(descriptor: descriptor, firstSeen: now, lastSeen: now)
        }
    }

    public func write(_ batch: [Sample]) async throws {
        for sample in batch {
            samples[sample.device, default: []].append(sample)
            if var known = registry[sample.device] {
                known.lastSeen = max(known.lastSeen, sample.time)
                known.firstSeen = min(known.firstSeen, sample.time)
                registry[sample.device] = known
            }
        }
    }

    public func devices() async throws -> [RegisteredDevice] {
        try check()
        return registry.values.sorted { $0.descriptor.id < $1.descriptor.id }
    }

    public func latestReadings(device: DeviceID) async throws -> LatestReadings? {
        try check()
        return LatestReadings.merging(samples[device] ?? [], device: device)
    }

    public func points(_ series: SeriesKey, from: Date, to: Date) async throws -> [Point] {
        try check()
        return (samples[series.device] ?? [])
            .filter { $0.time >= from && $0.time < to }
            .sorted { $0.time < $1.time }
            .compactMap { sample in sample.number(series.field).map { Point(time: sample.time, value: $0) } }
    }

    public func aggregates(_ series: SeriesKey, from: Date, to: Date, step: Rollup) async throws -> [AggregatePoint] {
        let raw = try await points(series, from: from, to: to)
        var buckets: [(start: Date, values: [Double])] = []
        for point in raw {
            let start = Date(timeIntervalSince1970: (point.time.timeIntervalSince1970 / step.seconds).rounded(.down) * step.seconds)
            if buckets.last?.start == start {
                buckets[buckets.count - 1].values.append(point.value)
            } else {
                buckets.append((start, [point.value]))
            }
        }
        return buckets.map { bucket in
            AggregatePoint(
                time: bucket.start,
                min: bucket.values.min() ?? 0,
                max: bucket.values.max() ?? 0,
                mean: bucket.values.reduce(0, +) / Double(bucket.values.count),
                last: bucket.values.last ?? 0,
                count: bucket.values.count
            )
        }
    }

    /// Integrates a power field (W) by the trapezoid rule per UTC day; a kWh counter gives max − min per day.
    public func dailyEnergy(device: DeviceID, field: FieldID, from: Date, to: Date) async throws -> [DailyEnergy] {
        let raw = try await points(SeriesKey(device: device, field: field), from: from, to: to)
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        var energy: [String: Double] = [:]
        if field.rawValue.hasSuffix("_kwh") {
            var range: [String: (Double, Double)] = [:]
            for point in raw {
                let day = formatter.string(from: point.time)
                let known = range[day] ?? (point.value, point.value)
                range[day] = (min(known.0, point.value), max(known.1, point.value))
            }
            energy = range.mapValues { $0.1 - $0.0 }
        } else {
            for (previous, next) in zip(raw, raw.dropFirst()) {
                let hours = next.time.timeIntervalSince(previous.time) / 3_600
                energy[formatter.string(from: previous.time), default: 0] += (previous.value + next.value) / 2 * hours / 1_000
            }
        }
        return energy.keys.sorted().map { DailyEnergy(day: $0, kilowattHours: energy[$0] ?? 0) }
    }

    public func series() async throws -> [SeriesKey] {
        try check()
        var keys = Set<SeriesKey>()
        for (device, list) in samples {
            for sample in list {
                for (field, value) in sample.values where value.numeric != nil { keys.insert(SeriesKey(device: device, field: field)) }
            }
        }
        return keys.sorted { ($0.device, $0.field) < ($1.device, $1.field) }
    }

    public func statistics() async throws -> StoreStatistics {
        try check()
        let all = samples.values.joined()
        let count = all.reduce(0) { $0 + $1.values.count }
        return StoreStatistics(
            bytesOnDisk: 0,
            series: try await series().count,
            points: Int64(count),
            oldest: all.map(\.time).min(),
            newest: all.map(\.time).max()
        )
    }

    private func check() throws {
        if let failure { throw failure }
    }
}
