import Foundation
import Synchronization
import Testing

/// Runs a test (or every test of a suite) on two threads of its own instead of Swift's cooperative
/// pool.
///
/// The pool has one thread per core, two on the project machine, and every test in the process
/// shares it. A test that computes for seconds without suspending (bcrypt, fuzz loops, 65 536 Modbus
/// round trips, a simulated day of energy) holds a pool thread that long; two of them at once stop
/// every other test's timers and socket continuations, and drivers waiting 5 s for a simulator's
/// answer time out although the answer arrived. Stack samples of a unit run on a loaded machine
/// showed exactly that, with 20-55 failures per run. Marked `.cpuBound`, such a test's synchronous
/// work runs here instead (a synchronous function runs on its caller's executor, and the test's task
/// prefers this one), so the pool stays free for the tests that wait on time.
public struct CPUBoundTrait: TestTrait, SuiteTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        guard !test.isSuite else { return try await function() }
        try await withTaskExecutorPreference(CPUBoundExecutor.shared) { try await function() }
    }
}

extension Trait where Self == CPUBoundTrait {
    /// The test computes for long stretches without suspending: run it off the cooperative pool.
    public static var cpuBound: Self { CPUBoundTrait() }
}

/// A task executor with two dedicated threads, shared by every `.cpuBound` test: CPU-heavy tests
/// queue behind each other here instead of behind the pool's I/O work.
public final class CPUBoundExecutor: TaskExecutor, Sendable {
    public static let shared = CPUBoundExecutor(threads: 2)

    private let jobs = Mutex<[UnownedJob]>([])
    /// Counts queued jobs; a thread waits on it while there is nothing to run.
    private let queued = DispatchSemaphore(value: 0)

    private init(threads: Int) {
        for index in 0..<threads {
            let thread = Thread { [unowned self] in self.runJobs() }
            thread.name = "cpu-bound-test-\(index)"
            thread.start()
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.append(job) }
        queued.signal()
    }

    private func runJobs() {
        while true {
            queued.wait()
            let job = jobs.withLock { $0.removeFirst() }
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
