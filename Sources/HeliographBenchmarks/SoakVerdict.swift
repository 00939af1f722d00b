import Foundation

/// Whether a soak run's resources stayed flat: the judgement is pure, so it is tested on made-up
/// series as well as on real runs.
///
/// The run is split by simulated time. The first `warmUp` fraction is ignored (caches, the SQLite
/// page cache, connection pools and thread pools fill up there). The **reference** window is the
/// quarter after it, the **final** window the last quarter. Each window is summarised by its median,
/// so a request or poll in flight at one sampling moment (an extra descriptor, a worker thread)
/// does not count as growth while a leak, which moves every later sample, does.
public struct SoakVerdict: Sendable, Hashable, Codable {
    /// How much growth from the reference to the final window still counts as flat.
    public struct Limits: Sendable, Hashable, Codable {
        /// Resident memory, in percent of the reference median.
        public var residentGrowthPercent: Double
        /// malloc's live allocations (in use plus mapped on their own), in percent: a leak grows
        /// them with the work done, while memory the allocator keeps only grows resident memory.
        public var liveGrowthPercent: Double
        /// Samples waiting in the sinks' queues at the end (median of the last quarter) beyond
        /// which the run is not steady: a sink fell behind, and its queue is in the memory figures.
        public var queuedSamples: Int
        /// Open file descriptors.
        public var openFileGrowth: Int
        /// Threads other than libdispatch's workers (those are a pool, judged by `judgeRetirement`).
        public var threadGrowth: Int
        /// Fraction of the run (by simulated time) left out at the start.
        public var warmUp: Double

        public init(
            residentGrowthPercent: Double = 10, liveGrowthPercent: Double = 10, queuedSamples: Int = 1_000, openFileGrowth: Int = 2, threadGrowth: Int = 2,
            warmUp: Double = 0.125
        ) {
            self.residentGrowthPercent = residentGrowthPercent
            self.liveGrowthPercent = liveGrowthPercent
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
    /// Medians of the reference and the last window; nil when a window held no measurement.
    public var reference: ProcessResources?
    public var last: ProcessResources?
    /// Last minus reference median, in percent of the reference (memory) or in units.
    public var residentGrowthPercent: Double
    /// Growth of malloc's live allocations (in use plus mapped on their own), in percent; nil
    /// without glibc's figures.
    public var liveGrowthPercent: Double?
    public var openFileGrowth: Int
    public var threadGrowth: Int
    /// One line for each limit exceeded; empty when the run was flat.
    public var problems: [String]

    /// True when nothing grew beyond its limit.
    public var isFlat: Bool { problems.isEmpty }

    /// Judges measurements taken over one run (in any order).
    public static func judge(_ points: [Point], limits: Limits = Limits()) -> SoakVerdict {
        let referenceEnd = limits.warmUp + 0.25
        let referencePoints = points.filter { $0.progress > limits.warmUp && $0.progress <= referenceEnd }
        let finalPoints = points.filter { $0.progress >= 0.75 && $0.progress > referenceEnd }
        var verdict = SoakVerdict(
            limits: limits, reference: median(referencePoints), last: median(finalPoints),
            residentGrowthPercent: 0, liveGrowthPercent: nil, openFileGrowth: 0, threadGrowth: 0, problems: []
        )
        guard let reference = verdict.reference, let latest = verdict.last else {
            verdict.problems.append("too few measurements to judge: \(referencePoints.count) after warm-up, \(finalPoints.count) in the last quarter")
            return verdict
        }
        verdict.residentGrowthPercent = Double(latest.residentKilobytes - reference.residentKilobytes) / Double(max(reference.residentKilobytes, 1)) * 100
        if let before = reference.malloc, let after = latest.malloc {
            let live = (before: before.judgedBytes, after: after.judgedBytes)
            verdict.liveGrowthPercent = Double(live.after - live.before) / Double(max(live.before, 1)) * 100
        }
        verdict.openFileGrowth = latest.openFiles - reference.openFiles
        verdict.threadGrowth = latest.fixedThreads - reference.fixedThreads
        let queued = middle(finalPoints.map(\.queued))
        if queued > limits.queuedSamples {
            verdict.problems.append(
                "not steady: the sinks fell behind (\(queued) samples queued in the last quarter, more than \(limits.queuedSamples)), so the memory figures hold their queue; lower --speed"
            )
        }
        if let live = verdict.liveGrowthPercent, live > limits.liveGrowthPercent, let before = reference.malloc, let after = latest.malloc {
            verdict.problems.append(
                "malloc's live allocations other than SQLite's grew \(format(live)) % (\(format(Double(before.judgedBytes) / 1_048_576)) → \(format(Double(after.judgedBytes) / 1_048_576)) MB), more than \(format(limits.liveGrowthPercent)) %"
            )
        }
        if verdict.residentGrowthPercent > limits.residentGrowthPercent {
            verdict.problems.append(
                "resident memory grew \(format(verdict.residentGrowthPercent)) % (\(reference.residentKilobytes / 1_024) → \(latest.residentKilobytes / 1_024) MB), more than \(format(limits.residentGrowthPercent)) %"
            )
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
            residentKilobytes: middle(points.map(\.resources.residentKilobytes)),
            openFiles: middle(points.map(\.resources.openFiles)),
            threads: middle(points.map(\.resources.threads)),
            dispatchWorkerThreads: middle(points.map(\.resources.dispatchWorkerThreads)),
            malloc: median(points.compactMap(\.resources.malloc))
        )
    }

    /// The median of each of malloc's figures; nil when no point has them.
    static func median(_ figures: [MallocFigures]) -> MallocFigures? {
        guard !figures.isEmpty else { return nil }
        return MallocFigures(
            arenaBytes: middle(figures.map(\.arenaBytes)), inUseBytes: middle(figures.map(\.inUseBytes)), freeBytes: middle(figures.map(\.freeBytes)),
            mmappedBytes: middle(figures.map(\.mmappedBytes)), arenas: middle(figures.map(\.arenas)),
            sqliteBytes: figures.allSatisfy { $0.sqliteBytes != nil } ? middle(figures.map { $0.sqliteBytes ?? 0 }) : nil
        )
    }

    /// The middle of `values` (the lower middle for an even count); `values` is not empty.
    static func middle(_ values: [Int]) -> Int {
        values.sorted()[(values.count - 1) / 2]
    }

    static func format(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}

extension MallocFigures {
    /// The live allocations the verdict judges: all but SQLite's, whose page caches fill as the
    /// database grows up to each connection's `cache_size` (a bound, not a leak).
    var judgedBytes: Int { inUseBytes + mmappedBytes - (sqliteBytes ?? 0) }
}
