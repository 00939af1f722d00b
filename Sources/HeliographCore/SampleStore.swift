import struct Foundation.Date
import struct Foundation.TimeInterval

/// The history of every device: full-resolution points, rollups for charts, daily energy and the
/// device registry. SQLite is the default, PostgreSQL serves fleets; both pass one conformance suite.
public protocol SampleStore: SampleSink {
    /// Records or updates what a device is (first seen, last seen, model, fields).
    func register(_ descriptor: DeviceDescriptor) async throws

    /// Every device ever registered, with when it was first and last seen.
    func devices() async throws -> [RegisteredDevice]

    /// The newest value of every field of a device, numeric and text, as one sample stamped with the newest time.
    func latest(device: DeviceID) async throws -> Sample?

    /// The newest value of every field of a device, each with the time it was read, so an old value
    /// (a field the validator dropped since) is not shown as fresh.
    func latestReadings(device: DeviceID) async throws -> LatestReadings?

    /// Full-resolution points of one series, oldest first, `from` inclusive and `to` exclusive.
    func points(_ series: SeriesKey, from: Date, to: Date) async throws -> [Point]

    /// Aggregated buckets of one series, oldest first; served from rollups where they exist.
    func aggregates(_ series: SeriesKey, from: Date, to: Date, step: Rollup) async throws -> [AggregatePoint]

    /// Energy per local calendar day derived from a counter or power field.
    func dailyEnergy(device: DeviceID, field: FieldID, from: Date, to: Date) async throws -> [DailyEnergy]

    /// Every series the store holds.
    func series() async throws -> [SeriesKey]

    /// Size and counts for /stats and diagnostics.
    func statistics() async throws -> StoreStatistics
}

extension SampleStore {
    /// Every field's newest value under the newest time, from `latestReadings(device:)`.
    public func latest(device: DeviceID) async throws -> Sample? {
        try await latestReadings(device: device)?.sample
    }
}

/// One stored value.
public struct Point: Sendable, Hashable, Codable {
    public var time: Date
    public var value: Double

    public init(time: Date, value: Double) {
        self.time = time
        self.value = value
    }
}

/// Bucket widths the store keeps pre-aggregated.
public enum Rollup: String, Sendable, Hashable, Codable, CaseIterable {
    case minute = "1m"
    case hour = "1h"
    case day = "1d"

    public var seconds: TimeInterval {
        switch self {
        case .minute: 60
        case .hour: 3_600
        case .day: 86_400
        }
    }

    /// The coarsest rollup that still gives at least `points` buckets over the span, for charts.
    public static func suitable(from: Date, to: Date, points: Int = 300) -> Rollup {
        let span = to.timeIntervalSince(from)
        for rollup in [Rollup.day, .hour, .minute] where span / rollup.seconds >= Double(points) {
            return rollup
        }
        return .minute
    }
}

/// One aggregated bucket; `time` is the bucket start.
public struct AggregatePoint: Sendable, Hashable, Codable {
    public var time: Date
    public var min: Double
    public var max: Double
    public var mean: Double
    public var last: Double
    public var count: Int

    public init(time: Date, min: Double, max: Double, mean: Double, last: Double, count: Int) {
        self.time = time
        self.min = min
        self.max = max
        self.mean = mean
        self.last = last
        self.count = count
    }
}

/// Energy of one local calendar day.
public struct DailyEnergy: Sendable, Hashable, Codable {
    /// `yyyy-MM-dd` in the site's time zone.
    public var day: String
    public var kilowattHours: Double

    public init(day: String, kilowattHours: Double) {
        self.day = day
        self.kilowattHours = kilowattHours
    }
}

/// A device as the registry knows it.
public struct RegisteredDevice: Sendable, Hashable, Codable {
    public var descriptor: DeviceDescriptor
    public var firstSeen: Date
    public var lastSeen: Date

    public init(descriptor: DeviceDescriptor, firstSeen: Date, lastSeen: Date) {
        self.descriptor = descriptor
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }
}

public struct StoreStatistics: Sendable, Hashable, Codable {
    public var bytesOnDisk: Int64
    public var series: Int
    public var points: Int64
    public var oldest: Date?
    public var newest: Date?

    public init(bytesOnDisk: Int64, series: Int, points: Int64, oldest: Date?, newest: Date?) {
        self.bytesOnDisk = bytesOnDisk
        self.series = series
        self.points = points
        self.oldest = oldest
        self.newest = newest
    }
}
