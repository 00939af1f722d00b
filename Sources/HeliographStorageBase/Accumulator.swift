import Foundation
import HeliographCore

/// min, max, sum, count and last of a run of values; the exact state a rollup row stores.
package struct Accumulator: Sendable {
    package var min = Double.infinity
    package var max = -Double.infinity
    package var sum = 0.0
    package var count = 0
    package var last = 0.0

    package init() {}

    /// Adds a value in time order. Non-finite values (NaN, ±inf) are not aggregated.
    package mutating func add(_ value: Double) {
        guard value.isFinite else { return }
        min = Swift.min(min, value)
        max = Swift.max(max, value)
        sum += value
        count += 1
        last = value
    }

    /// Folds in a finer bucket's summary; buckets must come in time order.
    package mutating func merge(min: Double, max: Double, sum: Double, count: Int, last: Double) {
        guard count > 0 else { return }
        self.min = Swift.min(self.min, min)
        self.max = Swift.max(self.max, max)
        self.sum += sum
        self.count += count
        self.last = last
    }

    package func aggregate(at time: Int64) -> AggregatePoint {
        Self.aggregate(bucket: time, min: min, max: max, sum: sum, count: count, last: last)
    }

    /// A rollup row (sum rather than mean, so buckets merge exactly) as the store protocol hands it out.
    package static func aggregate(bucket: Int64, min: Double, max: Double, sum: Double, count: Int, last: Double) -> AggregatePoint {
        AggregatePoint(time: Date(storageMilliseconds: bucket), min: min, max: max, mean: sum / Double(count), last: last, count: count)
    }

    /// Buckets the points (sorted by time) of one series.
    package static func buckets(_ points: [StoredPoint], rollup: Rollup) -> [(start: Int64, accumulator: Accumulator)] {
        var result: [(start: Int64, accumulator: Accumulator)] = []
        for point in points where point.value.isFinite {
            let start = rollup.bucketStart(point.time)
            if result.last?.start != start { result.append((start, Accumulator())) }
            result[result.count - 1].accumulator.add(point.value)
        }
        return result
    }
}

/// Which part of an `aggregates` request each source serves: rollup rows for the span the tier's
/// retention still keeps, raw points for the older part it dropped.
package struct AggregateRanges: Sendable, Hashable {
    /// Computed from raw points; nil when the tier keeps the whole request.
    package var raw: Range<Int64>?
    /// Read from the tier's rollup rows; nil when the tier keeps none of the request.
    package var rollup: Range<Int64>?

    /// Nil when the request covers no bucket. Buckets start from the one holding `from`.
    package init?(from: Date, to: Date, step: Rollup, retention: StoreRetention, now: Date) {
        let start = step.bucketStart(from.storageMilliseconds)
        let end = to.storageMilliseconds
        guard end > start else { return nil }
        var rollupStart = start
        let tierCutoff = StorageTime.cutoff(days: retention.days(for: step), now: now.storageMilliseconds).map { step.bucketStart($0) + step.milliseconds }
        if let tierCutoff, start < tierCutoff {
            let rawEnd = Swift.min(end, tierCutoff)
            raw = start..<rawEnd
            rollupStart = rawEnd
        }
        rollup = rollupStart < end ? rollupStart..<end : nil
    }
}
