/// Where a series has no data, so a chart leaves the span empty instead of drawing a line across it
/// (an inverter asleep at night, a daemon stopped for an update).
enum HistoryGaps {
    /// How many expected spacings two neighbouring points may be apart before the span between them
    /// counts as missing: a late poll or one empty bucket is not a gap, three are.
    static let tolerance = 2.5

    /// The spans `[last time before, first time after]` (milliseconds) between neighbouring points that
    /// are further apart than the series' spacing allows.
    /// - Parameters:
    ///   - times: point times in milliseconds, ascending.
    ///   - bucketMilliseconds: the rollup's bucket length; nil for raw points, whose spacing is then the
    ///     median distance between them (the poll interval, whatever it is configured to). A device
    ///     polled less often than once a bucket (every 4 minutes, say, in 1-minute buckets) fills only
    ///     every few buckets, so a rollup's spacing is the longer of the bucket and the points' typical
    ///     distance (the lower median, once there are two distances to take it from).
    static func find(times: [Double], bucketMilliseconds: Double?) -> [[Double]] {
        guard times.count >= 2 else { return [] }
        let distances = zip(times.dropFirst(), times).map { $0 - $1 }
        let sorted = distances.sorted()
        let spacing = bucketMilliseconds.map { max($0, sorted.count >= 2 ? sorted[(sorted.count - 1) / 2] : 0) } ?? sorted[sorted.count / 2]
        guard spacing > 0 else { return [] }
        let limit = spacing * tolerance
        return zip(times, distances).compactMap { start, distance in distance > limit ? [start, start + distance] : nil }
    }
}
