import Foundation
import HeliographCore

/// Just enough of a `SampleStore` to test the Hoymiles queries; the real stores live in HeliographSQLite and HeliographPostgres.
actor InMemorySampleStore: SampleStore {
    nonisolated let name = "memory"
    private var registry: [DeviceID: RegisteredDevice] = [:]
    private var samples: [Sample] = []
    private let now: @Sendable () -> Date

    init(now: @escaping @Sendable () -> Date) { self.now = now }

    func write(_ batch: [Sample]) async throws { samples += batch }

    func register(_ descriptor: DeviceDescriptor) async throws {
        let time = now()
        registry[descriptor.id] = RegisteredDevice(descriptor: descriptor, firstSeen: registry[descriptor.id]?.firstSeen ?? time, lastSeen: time)
    }

    func devices() async throws -> [RegisteredDevice] { Array(registry.values) }

    func latestReadings(device: DeviceID) async throws -> LatestReadings? {
        LatestReadings.merging(samples, device: device)
    }

    func points(_ series: SeriesKey, from: Date, to: Date) async throws -> [Point] {
        samples.filter { $0.device == series.device && $0.time >= from && $0.time < to }
            .compactMap { sample in sample.number(series.field).map { Point(time: sample.time, value: $0) } }
    }

    func aggregates(_ series: SeriesKey, from: Date, to: Date, step: Rollup) async throws -> [AggregatePoint] {
        try await points(series, from: from, to: to).map { AggregatePoint(time: $0.time, min: $0.value, max: $0.value, mean: $0.value, last: $0.value, count: 1) }
    }

    func dailyEnergy(device: DeviceID, field: FieldID, from: Date, to: Date) async throws -> [DailyEnergy] { [] }

    func series() async throws -> [SeriesKey] {
        Array(Set(samples.flatMap { sample in sample.values.keys.map { SeriesKey(device: sample.device, field: $0) } }))
    }

    func statistics() async throws -> StoreStatistics {
        StoreStatistics(bytesOnDisk: 0, series: 0, points: Int64(samples.count), oldest: samples.first?.time, newest: samples.last?.time)
    }
}
