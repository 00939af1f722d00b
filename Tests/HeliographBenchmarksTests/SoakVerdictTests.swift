import Foundation
import Testing

@testable import HeliographBenchmarks

/// The flatness judgement on made-up runs: a leak must fail it, noise must not.
@Suite struct SoakVerdictTests {
    /// `count + 1` evenly spaced points with figures from `figures(progress)`.
    private func run(_ count: Int = 96, _ figures: (Double) -> (megabytes: Double, fds: Int, threads: Int)) -> [SoakVerdict.Point] {
        (0...count).map { index in
            let progress = Double(index) / Double(count)
            let value = figures(progress)
            return SoakVerdict.Point(progress: progress, resources: ProcessResources(residentKilobytes: Int(value.megabytes * 1_024), openFiles: value.fds, threads: value.threads))
        }
    }

    @Test func aSteadyRunAfterWarmUpIsFlat() {
        // Memory climbs during warm-up, then wobbles by ±1 MB around 60 MB.
        let points = run { progress in (progress < 0.1 ? 30 + 300 * progress : 60 + (progress * 1_000).truncatingRemainder(dividingBy: 2) - 1, 40, 12) }
        let verdict = SoakVerdict.judge(points)
        #expect(verdict.isFlat, "\(verdict.problems)")
        #expect(abs(verdict.residentGrowthPercent) < 3)
        #expect(verdict.openFileGrowth == 0 && verdict.threadGrowth == 0)
    }

    @Test func memoryThatKeepsGrowingIsALeak() {
        // +20 MB over the run: about 13 MB between the windows' medians, over 20 % of 60 MB.
        let verdict = SoakVerdict.judge(run { progress in (60 + 20 * progress, 40, 12) })
        #expect(!verdict.isFlat)
        #expect(verdict.residentGrowthPercent > 10)
        #expect(verdict.problems.count == 1)
        #expect(verdict.problems.first?.contains("resident memory grew") == true)
    }

    @Test func descriptorsAndThreadsThatKeepGrowingAreLeaks() {
        let verdict = SoakVerdict.judge(run { progress in (60, 40 + Int(progress * 50), 12 + Int(progress * 10)) })
        #expect(!verdict.isFlat)
        #expect(verdict.openFileGrowth > 2)
        #expect(verdict.threadGrowth > 2)
        #expect(verdict.problems.contains { $0.contains("open file descriptors grew") })
        #expect(verdict.problems.contains { $0.contains("threads other than libdispatch workers grew") })
    }

    @Test func aDescriptorOrThreadInFlightAtSomeMeasurementsIsNotGrowth() {
        // Every third measurement catches a connection and a worker thread that come and go.
        let points = run { progress in
            let busy = Int((progress * 96).rounded()) % 3 == 0
            return (60, busy ? 43 : 40, busy ? 14 : 12)
        }
        let verdict = SoakVerdict.judge(points)
        #expect(verdict.isFlat, "\(verdict.problems)")
    }

    @Test func tooFewMeasurementsAreNotCalledFlat() {
        let verdict = SoakVerdict.judge(run(2) { _ in (60, 40, 12) })
        #expect(!verdict.isFlat)
        #expect(verdict.problems.first?.contains("too few measurements") == true)
    }

    @Test func theLimitsAreTheCaller() {
        let points = run { progress in (60 + 8 * progress, 40, 12) }
        #expect(SoakVerdict.judge(points).isFlat)
        #expect(!SoakVerdict.judge(points, limits: .init(residentGrowthPercent: 2)).isFlat)
    }

    @Test func libdispatchWorkersFillingTheirPoolAreNotGrowthButOnesThatNeverRetireAre() {
        let points = (0...96).map { index in
            let progress = Double(index) / 96
            // Event loops and the main thread stay at 5; the worker pool fills from 4 to 12.
            let workers = 4 + Int(progress * 8)
            return SoakVerdict.Point(progress: progress, resources: ProcessResources(residentKilobytes: 70_000, openFiles: 70, threads: 5 + workers, dispatchWorkerThreads: workers))
        }
        var verdict = SoakVerdict.judge(points)
        #expect(verdict.isFlat, "\(verdict.problems)")
        verdict.judgeRetirement(workersAtStart: 4, workersAfterShutdown: 1)
        #expect(verdict.isFlat)
        verdict.judgeRetirement(workersAtStart: 4, workersAfterShutdown: 9)
        #expect(verdict.problems.contains { $0.contains("did not retire") })
    }
}

/// What malloc holds, judged beside resident memory: live allocations that grow are a leak (or a
/// queue that fills); resident memory that grows over flat live allocations is the allocator's.
@Suite struct SoakVerdictMallocTests {
    /// 97 points with resident memory and live allocations (MB) from `figures(progress)`.
    private func run(queued: Int = 0, sqlite: (Double) -> Double? = { _ in nil }, _ figures: (Double) -> (resident: Double, live: Double)) -> [SoakVerdict.Point] {
        (0...96).map { index in
            let progress = Double(index) / 96
            let value = figures(progress)
            let live = Int(value.live * 1_048_576)
            let sqliteBytes = sqlite(progress).map { Int($0 * 1_048_576) }
            let malloc = MallocFigures(arenaBytes: live * 2, inUseBytes: live, freeBytes: live, mmappedBytes: 0, arenas: 4, sqliteBytes: sqliteBytes)
            return SoakVerdict.Point(progress: progress, resources: ProcessResources(residentKilobytes: Int(value.resident * 1_024), openFiles: 40, threads: 12, malloc: malloc), queued: queued)
        }
    }

    @Test func liveAllocationsThatGrowWithTheWorkAreALeakEvenWhenResidentMemoryLooksFlat() throws {
        // +8 MB of live allocations over a run at 100 MB resident: under the resident limit.
        let verdict = SoakVerdict.judge(run { progress in (100 + 8 * progress, 12 + 8 * progress) })
        #expect(!verdict.isFlat)
        #expect(try #require(verdict.liveGrowthPercent) > 10)
        #expect(verdict.problems.count == 1)
        #expect(verdict.problems.first?.contains("live allocations other than SQLite's grew") == true)
    }

    @Test func flatLiveAllocationsPassTheLiveRule() throws {
        let verdict = SoakVerdict.judge(run { progress in (80 + 5 * progress, 13 + (progress * 1_000).truncatingRemainder(dividingBy: 1)) })
        #expect(verdict.isFlat, "\(verdict.problems)")
        #expect(abs(try #require(verdict.liveGrowthPercent)) < 10)
    }

    @Test func sqlitesCachesFillingAsTheDatabaseGrowsAreNotALeak() throws {
        // Live allocations +5 MB, all of them SQLite's page caches (bounded by cache_size).
        let verdict = SoakVerdict.judge(run(sqlite: { 1 + 5 * $0 }) { progress in (80, 8 + 5 * progress) })
        #expect(verdict.isFlat, "\(verdict.problems)")
        #expect(abs(try #require(verdict.liveGrowthPercent)) < 1)
        // The same growth outside SQLite is judged.
        #expect(!SoakVerdict.judge(run(sqlite: { _ in 1 }) { progress in (80, 8 + 5 * progress) }).isFlat)
    }

    @Test func aSinkThatFellBehindMakesTheRunNotSteady() {
        let verdict = SoakVerdict.judge(run(queued: 5_000) { _ in (80, 13) })
        #expect(verdict.problems.contains { $0.contains("not steady: the sinks fell behind") })
        #expect(SoakVerdict.judge(run(queued: 200) { _ in (80, 13) }).isFlat)
    }
}

/// Memory that grew over the run: a leak keeps growing by the same amount, a cache or the
/// allocator's free lists filling up level off. The verdict tells them apart by the thirds after warm-up.
@Suite struct SoakVerdictTrendTests {
    /// 97 points over a 24-hour run; live allocations outside SQLite (MB) from `live(hour)`, with a
    /// deterministic wobble of ±0.15 MB (a request in flight at some measurements), RSS 60 MB above.
    private func run(_ live: (Double) -> Double) -> [SoakVerdict.Point] {
        (0...96).map { index in
            let progress = Double(index) / 96
            let wobble = [0.0, 0.15, -0.1, 0.05, -0.15][index % 5]
            let bytes = Int((live(progress * 24) + wobble) * 1_048_576)
            let malloc = MallocFigures(arenaBytes: bytes * 2, inUseBytes: bytes, freeBytes: bytes, mmappedBytes: 0, arenas: 4, sqliteBytes: 0)
            return SoakVerdict.Point(progress: progress, resources: ProcessResources(residentKilobytes: 60 * 1_024 + bytes / 1_024, openFiles: 40, threads: 12, malloc: malloc))
        }
    }

    @Test func aLinearLeakIsGrowth() throws {
        // 0.15 MB a simulated hour: the same step in every third.
        let verdict = SoakVerdict.judge(run { hour in 6 + 0.15 * hour })
        #expect(!verdict.isFlat)
        let live = try #require(verdict.live)
        #expect(!live.isLevellingOff(settled: verdict.limits.settledGrowthPercent))
        #expect(verdict.problems.contains { $0.contains("live allocations other than SQLite's grew") && $0.contains("not levelling off") })
    }

    @Test func aSlowLinearLeakJustOverTheLimitIsGrowth() {
        // 0.06 MB an hour on 6 MB: +13 % from the first third to the last, +0.4 MB in each third.
        let verdict = SoakVerdict.judge(run { hour in 6 + 0.06 * hour })
        #expect(!verdict.isFlat, "\(verdict.live.map { "\($0)" } ?? "")")
    }

    @Test func aCurveThatSaturatesIsFlat() throws {
        // Fills towards 9 MB with a time constant of 6 simulated hours: +12 % from the first third
        // to the last (over the 10 % limit), but the last third adds only 0.25 MB (2.9 %) after 0.7 MB.
        let verdict = SoakVerdict.judge(run { hour in 6 + 3 * (1 - exp(-hour / 6)) })
        #expect(verdict.isFlat, "\(verdict.problems)")
        let live = try #require(verdict.live)
        #expect(live.growthPercent > 10)
        #expect(live.isLevellingOff(settled: verdict.limits.settledGrowthPercent))
    }

    @Test func growthThatSlowsButNotEnoughIsGrowth() {
        // Like a square root: each third adds less, but more than half of the one before.
        #expect(!SoakVerdict.judge(run { hour in 6 + 0.6 * hour.squareRoot() }).isFlat)
        // A leak that begins in the last third after a flat middle.
        #expect(!SoakVerdict.judge(run { hour in hour < 17 ? 6 : 6 + 0.4 * (hour - 17) }).isFlat)
    }
}
