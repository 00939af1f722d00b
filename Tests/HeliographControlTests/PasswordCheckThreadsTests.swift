import Foundation
import HeliographControl
import HeliographTesting
import Synchronization
import Testing

@Suite struct PasswordCheckThreadsTests {
    /// Counts checks in flight and holds them until released, so a test decides when threads come free.
    final class Probe: Sendable {
        let current = Atomic(0)
        let peak = Atomic(0)
        let released = Atomic(false)

        /// The body of one check: counts itself, waits for `release()` (or `hold`), returns its thread's name.
        func check(hold: TimeInterval) -> String {
            let now = current.add(1, ordering: .relaxed).newValue
            _ = peak.max(now, ordering: .relaxed)
            let until = Date(timeIntervalSinceNow: hold)
            while !released.load(ordering: .relaxed), Date() < until { Thread.sleep(forTimeInterval: 0.005) }
            current.subtract(1, ordering: .relaxed)
            return Thread.current.name ?? ""
        }

        func release() { released.store(true, ordering: .relaxed) }
    }

    /// Starts `count` checks at once; each holds its thread until `probe.release()` or `hold` passes.
    func flood(_ threads: PasswordCheckThreads, count: Int, hold: TimeInterval, probe: Probe) -> Task<[Result<String, LoginRefusal>], Never> {
        Task {
            await withTaskGroup(of: Result<String, LoginRefusal>.self) { group in
                for _ in 0..<count {
                    group.addTask {
                        do throws(LoginRefusal) {
                            return .success(try await threads.run { probe.check(hold: hold) })
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
        }
    }

    @Test func atMostThreadsRunAndQueueWaitTheRestAreRefusedAtOnce() async throws {
        let threads = PasswordCheckThreads(limits: .init(threads: 2, queue: 4, maximumWait: .seconds(60)))
        let probe = Probe()
        let checks = flood(threads, count: 20, hold: 60, probe: probe)
        // Nothing finishes before release, so exactly 2 + 4 can be taken whatever order the tasks start in.
        try await eventually(timeout: .seconds(30), "all 20 submitted") { let load = threads.load; return load.running + load.waiting + load.refused == 20 }
        #expect(threads.load.refused == 14)
        // "Running" counts a check handed to its thread; on a loaded machine the second thread can
        // enter it only after a release, so wait until both are inside before releasing them.
        try await eventually(timeout: .seconds(30), "both threads checking") { probe.current.load(ordering: .relaxed) == 2 }
        probe.release()
        let outcomes = await checks.value
        let done = outcomes.compactMap { try? $0.get() }
        #expect(done.count == 6, "2 running + 4 queued")
        #expect(outcomes.filter { if case .failure(.busy) = $0 { true } else { false } }.count == 14)
        #expect(probe.peak.load(ordering: .relaxed) == 2)
    }

    @Test func checksThatWaitTooLongAreGivenUp() async throws {
        let threads = PasswordCheckThreads(limits: .init(threads: 1, queue: 4, maximumWait: .milliseconds(50)))
        let probe = Probe()
        let checks = flood(threads, count: 5, hold: 60, probe: probe)
        try await eventually(timeout: .seconds(30), "all 5 submitted") { threads.load.running + threads.load.waiting == 5 }
        try await Task.sleep(for: .milliseconds(100))
        probe.release()
        let outcomes = await checks.value
        #expect(outcomes.filter { (try? $0.get()) != nil }.count == 1, "the first runs; the others waited past 50 ms")
        #expect(outcomes.allSatisfy { if case .failure(let refusal) = $0 { refusal.retryAfterSeconds >= 1 } else { true } })
    }

    /// Issue #13 item 2: bcrypt on the concurrency pool stopped everything else. Here the pool keeps
    /// running tasks while both password threads are busy with real bcrypt work.
    @Test func theConcurrencyPoolKeepsRunningDuringAFlood() async throws {
        let hash = try await onOwnThread { PasswordHash.make("x", cost: 10) }
        let threads = PasswordCheckThreads(limits: .init(threads: 2, queue: 64, maximumWait: .seconds(30)))
        let ticks = Atomic(0)
        let clock = ContinuousClock()
        let started = clock.now
        let checks = Task {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<16 { group.addTask { _ = try? await threads.run { PasswordHash.verify("wrong", hash: hash) } } }
            }
        }
        // Ticks every 10 ms on the concurrency pool for as long as the flood lasts.
        let ticker = Task {
            while !Task.isCancelled {
                ticks.add(1, ordering: .relaxed)
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        await checks.value
        ticker.cancel()
        let elapsed = clock.now - started
        // Not a rate (other suites share the 2 cores in a full run): only that the pool went on
        // running tasks while every check was in flight. bcrypt on the pool's 2 threads would hold
        // both until the flood ended, and the ticker would get at most a tick or two in.
        #expect(ticks.load(ordering: .relaxed) >= 5, "\(ticks.load(ordering: .relaxed)) ticks in \(elapsed); a starved pool ticks almost never")
        #expect(threads.load.threads <= 2)
    }

    @Test func idleThreadsEnd() async throws {
        let threads = PasswordCheckThreads(limits: .init(threads: 2), idleLifetime: .milliseconds(100))
        _ = try await threads.run { 1 }
        let deadline = ContinuousClock.now + .seconds(10)
        while threads.load.threads > 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(threads.load.threads == 0)
        #expect(try await threads.run { 2 } == 2, "a new thread starts for the next check")
    }
}
