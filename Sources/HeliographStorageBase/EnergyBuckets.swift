/// What one span of time got from a series: energy, how much of the span had readings close enough
/// to trust, and how many counter steps were thrown away as impossible.
package struct EnergyBucket: Sendable, Hashable {
    package var start: Int64
    package var end: Int64
    package var kilowattHours: Double = 0
    /// Milliseconds of the span between readings that were integrated or whose counter step was accepted.
    package var coveredMilliseconds: Int64 = 0
    /// Readings that fell inside the span.
    package var readings = 0
    /// Counter steps skipped as jumps, spikes or glitches (rules 2 and 5 of `DailyEnergyCalculator`).
    package var skippedSteps = 0

    package init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    /// The covered share of the span, 0...1.
    package var coverage: Double { end > start ? min(1, Double(coveredMilliseconds) / Double(end - start)) : 0 }
}

/// Consecutive spans `boundaries[i]..<boundaries[i + 1]`; times outside them are dropped.
struct EnergyBuckets {
    private(set) var buckets: [EnergyBucket]
    private let boundaries: [Int64]

    init(boundaries: [Int64]) {
        self.boundaries = boundaries
        buckets = zip(boundaries, boundaries.dropFirst()).map { EnergyBucket(start: $0, end: $1) }
    }

    /// The span holding `time`, by binary search.
    private func index(of time: Int64) -> Int? {
        guard let first = boundaries.first, let last = boundaries.last, time >= first, time < last else { return nil }
        var low = 0
        var high = buckets.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if boundaries[middle] <= time { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// The first boundary strictly after `time`, nil past the last.
    func nextBoundary(after time: Int64) -> Int64? {
        guard let first = boundaries.first, time >= first else { return boundaries.first }
        return index(of: time).map { boundaries[$0 + 1] }
    }

    mutating func add(_ kilowattHours: Double, at time: Int64) {
        guard let index = index(of: time) else { return }
        buckets[index].kilowattHours += kilowattHours
    }

    mutating func markReading(at time: Int64) {
        guard let index = index(of: time) else { return }
        buckets[index].readings += 1
    }

    mutating func skip(at time: Int64) {
        guard let index = index(of: time) else { return }
        buckets[index].skippedSteps += 1
    }

    /// Adds `from..<to` to the covered time of every span it overlaps.
    mutating func cover(from: Int64, to: Int64) {
        guard let first = boundaries.first, to > first, from < to else { return }
        var index = self.index(of: max(from, first)) ?? buckets.count
        while index < buckets.count, buckets[index].start < to {
            buckets[index].coveredMilliseconds += min(to, buckets[index].end) - max(from, buckets[index].start)
            index += 1
        }
    }
}
