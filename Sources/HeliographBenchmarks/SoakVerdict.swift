import Foundation

/// Whether a soak run's resources stayed flat: the judgement is pure, so it is tested on made-up
/// series as well as on real runs.
///
/// The run is split by simulated time. The first `warmUp` fraction is ignored (caches, the SQLite
/// page cache, connection pools and thread pools fill up there); the rest is cut into thirds, the
/// **reference**, **middle** and **last** window. Each window is summarised by its median, so a
/// request or poll in flight at one sampling moment (an extra descriptor, a worker thread) does not
/// count as growth while a leak, which moves every later sample, does.
///
/// Memory that grew more than its limit from the reference to the last third is still called flat
/// when it is **levelling off**: the last third added at most half of what the middle third added,
/// and at most `settledGrowthPercent`. A leak per sample, request or connection grows by the same
/// amount in every third at a steady load, so it never passes; a cache filling up to its cap, or an
/// allocator's free lists filling, add less and less.
public struct SoakVerdict: Sendable, Hashable, Codable {
    /// How much growth from the reference to the final window still counts as flat.
    public struct Limits: Sendable, Hashable, Codable {
        /// Resident memory, in percent of the reference median.
        public var residentGrowthPercent: Double
        /// malloc's live allocations (in use plus mapped on their own), in percent: a leak grows
        /// them with the work done, while memory the allocator keeps only grows resident memory.
        public var liveGrowthPercent: Double
        /// Samples waiting in the sinks' queues at the end (median of the last third) beyond
        /// which the run is not steady: a sink fell behind, and its queue is in the memory figures.
        public var queuedSamples: Int
        /// Open file descriptors.
        public var openFileGrowth: Int
        /// Threads other than libdispatch's workers (those are a pool, judged by `judgeRetirement`).
        public var threadGrowth: Int
        /// Growth of a memory figure in the last third over the middle one, in percent of the
        /// middle, below which (and at most half the middle third's growth) it is levelling off. A
        /// figure whose growth at least halves from third to third adds at most that much again.
        public var settledGrowthPercent: Double
        /// Fraction of the run (by simulated time) left out at the start.
        public var warmUp: Double

        public init(
            residentGrowthPercent: Double = 10, liveGrowthPercent: Double = 10, settledGrowthPercent: Double = 5, queuedSamples: Int = 1_000, openFileGrowth: Int = 2,
            threadGrowth: Int = 2, warmUp: Double = 0.125
        ) {
            self.residentGrowthPercent = residentGrowthPercent
            self.liveGrowthPercent = liveGrowthPercent
            self.settledGrowthPercent = settledGrowthPercent
            self.queuedSamples = queuedSamples
            self.openFileGrowth = openFileGrowth
            self.threadGrowth = threadGrowth
            self.warmUp = warmUp
        }
    }

    /// One measurement at a point of the run.
    public struct Point: Sendable, Hashable, Codable {
        /// Fraction of the run done, 0...1.
        public var progress: Double
        public var resources: ProcessResources
        /// Samples waiting in the sinks' queues.
        public var queued: Int

        public init(progress: Double, resources: ProcessResources, queued: Int = 0) {
            self.progress = progress
            self.resources = resources
            self.queued = queued
        }
    }

    public var limits: Limits
    /// Medians of the reference, middle and last window; nil when a window held no measurement.
    public var reference: ProcessResources?
    public var middle: ProcessResources?
    public var last: ProcessResources?
    /// Last minus reference median, in percent of the reference (memory) or in units.
    public var residentGrowthPercent: Double
    /// Growth of malloc's live allocations other than SQLite's, in percent; nil without glibc's figures.
    public var liveGrowthPercent: Double?
    /// How resident memory and the live allocations other than SQLite's moved over the three windows.
    public var resident: MemoryTrend?
    public var live: MemoryTrend?
    public var openFileGrowth: Int
    public var threadGrowth: Int
    /// One line for each limit exceeded; empty when the run was flat.
    public var problems: [String]

    /// True when nothing grew beyond its limit.
    public var isFlat: Bool { problems.isEmpty }

    /// Judges measurements taken over one run (in any order).
    public static func judge(_ points: [Point], limits: Limits = Limits()) -> SoakVerdict {
        let third = (1 - limits.warmUp) / 3
        let window = { (index: Int) in
            points.filter { $0.progress > limits.warmUp + Double(index) * third && $0.progress <= limits.warmUp + Double(index + 1) * third + 1e-9 }
        }
        let (referencePoints, middlePoints, finalPoints) = (window(0), window(1), window(2))
        var verdict = SoakVerdict(
            limits: limits, reference: median(referencePoints), middle: median(middlePoints), last: median(finalPoints),
            residentGrowthPercent: 0, liveGrowthPercent: nil, openFileGrowth: 0, threadGrowth: 0, problems: []
        )
        guard let reference = verdict.reference, let middle = verdict.middle, let latest = verdict.last else {
            verdict.problems.append(
                "too few measurements to judge: \(referencePoints.count), \(middlePoints.count) and \(finalPoints.count) in the thirds after warm-up")
            return verdict
        }
        let resident = MemoryTrend(reference: reference.residentKilobytes * 1_024, middle: middle.residentKilobytes * 1_024, last: latest.residentKilobytes * 1_024)
        verdict.resident = resident
        verdict.residentGrowthPercent = resident.growthPercent
        if let before = reference.malloc, let between = middle.malloc, let after = latest.malloc {
            let live = MemoryTrend(reference: before.judgedBytes, middle: between.judgedBytes, last: after.judgedBytes)
            verdict.live = live
            verdict.liveGrowthPercent = live.growthPercent
        }
        verdict.openFileGrowth = latest.openFiles - reference.openFiles
        verdict.threadGrowth = latest.fixedThreads - reference.fixedThreads
        let queued = medianValue(finalPoints.map(\.queued))
        if queued > limits.queuedSamples {
            verdict.problems.append(
                "not steady: the sinks fell behind (\(queued) samples queued in the last third, more than \(limits.queuedSamples)), so the memory figures hold their queue; lower --speed"
            )
        }
        if let live = verdict.live, live.grows(beyond: limits.liveGrowthPercent, settled: limits.settledGrowthPercent) {
            verdict.problems.append("malloc's live allocations other than SQLite's \(live.describe(limit: limits.liveGrowthPercent))")
        }
        if resident.grows(beyond: limits.residentGrowthPercent, settled: limits.settledGrowthPercent) {
            verdict.problems.append("resident memory \(resident.describe(limit: limits.residentGrowthPercent))")
        }
        if verdict.openFileGrowth > limits.openFileGrowth {
            verdict.problems.append("open file descriptors grew by \(verdict.openFileGrowth) (\(reference.openFiles) → \(latest.openFiles)), more than \(limits.openFileGrowth)")
        }
        if verdict.threadGrowth > limits.threadGrowth {
            verdict.problems.append(
                "threads other than libdispatch workers grew by \(verdict.threadGrowth) (\(reference.fixedThreads) → \(latest.fixedThreads)), more than \(limits.threadGrowth)"
            )
        }
        return verdict
    }

    /// libdispatch's worker pool grows with the load and retires idle threads; one that stays after
    /// the daemon stopped (more workers than at the start) is blocked for good: a leak.
    public mutating func judgeRetirement(workersAtStart: Int, workersAfterShutdown: Int) {
        if workersAfterShutdown > workersAtStart {
            problems.append("libdispatch worker threads did not retire after shutdown (\(workersAtStart) at the start, \(workersAfterShutdown) after)")
        }
    }

    /// The median of each figure on its own (the lower middle for an even count).
    static func median(_ points: [Point]) -> ProcessResources? {
        guard !points.isEmpty else { return nil }
        return ProcessResources(
            residentKilobytes: medianValue(points.map(\.resources.residentKilobytes)),
            openFiles: medianValue(points.map(\.resources.openFiles)),
            threads: medianValue(points.map(\.resources.threads)),
            dispatchWorkerThreads: medianValue(points.map(\.resources.dispatchWorkerThreads)),
            malloc: median(points.compactMap(\.resources.malloc))
        )
    }

    /// The median of each of malloc's figures; nil when no point has them.
    static func median(_ figures: [MallocFigures]) -> MallocFigures? {
        guard !figures.isEmpty else { return nil }
        return MallocFigures(
            arenaBytes: medianValue(figures.map(\.arenaBytes)), inUseBytes: medianValue(figures.map(\.inUseBytes)), freeBytes: medianValue(figures.map(\.freeBytes)),
            mmappedBytes: medianValue(figures.map(\.mmappedBytes)), arenas: medianValue(figures.map(\.arenas)),
            sqliteBytes: figures.allSatisfy { $0.sqliteBytes != nil } ? medianValue(figures.map { $0.sqliteBytes ?? 0 }) : nil
        )
    }

    /// The middle of `values` (the lower middle for an even count); `values` is not empty.
    static func medianValue(_ values: [Int]) -> Int {
        values.sorted()[(values.count - 1) / 2]
    }

    static func format(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}

/// A memory figure's medians in the three windows after warm-up, and whether it still grows.
public struct MemoryTrend: Sendable, Hashable, Codable {
    /// Bytes: median of the first third after warm-up, the middle third, the last third.
    public var reference: Int
    public var middle: Int
    public var last: Int

    /// Last against reference, in percent of the reference.
    public var growthPercent: Double { Self.percent(last - reference, of: reference) }
    /// Last against middle, in percent of the middle: what the last third still added.
    public var lateGrowthPercent: Double { Self.percent(last - middle, of: middle) }

    /// The last third added at most half of what the middle third added, and at most `settled` %:
    /// the figure approaches a level (a leak at a steady load adds the same in every third).
    public func isLevellingOff(settled: Double) -> Bool {
        (last - middle) * 2 <= max(middle - reference, 0) && lateGrowthPercent <= settled
    }

    /// Grew more than `limit` % over the run and is not levelling off.
    public func grows(beyond limit: Double, settled: Double) -> Bool {
        growthPercent > limit && !isLevellingOff(settled: settled)
    }

    /// "grew 12.0 % (6.6 → 7.4 → 8.0 MB, the last third +8.1 %), more than 10.0 %".
    func describe(limit: Double) -> String {
        let megabytes = [reference, middle, last].map { SoakVerdict.format(Double($0) / 1_048_576) }.joined(separator: " → ")
        return "grew \(SoakVerdict.format(growthPercent)) % (\(megabytes) MB, the last third \(String(format: "%+.1f", lateGrowthPercent)) %), more than \(SoakVerdict.format(limit)) % and not levelling off"
    }

    static func percent(_ change: Int, of base: Int) -> Double { Double(change) / Double(max(base, 1)) * 100 }
}

extension MallocFigures {
    /// The live allocations the verdict judges: all but SQLite's, whose page caches fill as the
    /// database grows up to each connection's `cache_size` (a bound, not a leak).
    var judgedBytes: Int { inUseBytes + mmappedBytes - (sqliteBytes ?? 0) }
}
