import Foundation

/// Runs password checks on a few threads of their own, with a global limit on how many run and wait.
///
/// bcrypt holds a CPU for about a quarter second per attempt by design. Run on the Swift concurrency pool
/// (one thread per core), a handful of concurrent logins would hold every thread of it, and the poller,
/// the store and `/health` would stop with them. Here at most `threads` checks run at once, on threads
/// started on demand (and ended after `idleLifetime` unused, so nothing needs shutting down); at most
/// `queue` more wait, each for at most `maximumWait`. Anything beyond is refused at once with
/// `LoginRefusal.busy`, so a flood costs a bounded amount of CPU and memory, whatever its size.
public final class PasswordCheckThreads: @unchecked Sendable {
    /// The limits, from `http.login` in the configuration.
    public struct Limits: Sendable, Hashable {
        /// Checks that run at once, each on a thread of its own (1...8).
        public var threads: Int
        /// Checks that may wait for a thread (0...256).
        public var queue: Int
        /// How long a check may wait before it is given up as busy.
        public var maximumWait: Duration

        public init(threads: Int = 1, queue: Int = 8, maximumWait: Duration = .seconds(2)) {
            self.threads = min(8, max(1, threads))
            self.queue = min(256, max(0, queue))
            self.maximumWait = max(.milliseconds(1), maximumWait)
        }
    }

    /// One check handed to a thread: `run(true)` to do it, `run(false)` when it waited too long.
    private struct Job {
        let enqueued: ContinuousClock.Instant
        let run: @Sendable (Bool) -> Void
    }

    public let limits: Limits
    private let idleLifetime: TimeInterval
    // All below guarded by `condition`, which also wakes idle threads when work arrives.
    private let condition = NSCondition()
    private var waiting: [Job] = []
    private var threads = 0
    private var idleThreads = 0
    private var running = 0
    private var refusedCount = 0

    public init(limits: Limits = Limits(), idleLifetime: Duration = .seconds(10)) {
        self.limits = limits
        self.idleLifetime = Double(idleLifetime.components.seconds) + Double(idleLifetime.components.attoseconds) / 1e18
    }

    /// Runs `body` on one of the threads and returns its result, or throws `LoginRefusal.busy` when every
    /// thread and queue place is taken, or when the check waited longer than `maximumWait`.
    public func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async throws(LoginRefusal) -> T {
        let busy = LoginRefusal.busy(retryAfter: max(1, Double(limits.maximumWait.components.seconds)))
        let result: T? = await withCheckedContinuation { continuation in
            let job = Job(enqueued: .now) { inTime in continuation.resume(returning: inTime ? body() : nil) }
            if !submit(job) { continuation.resume(returning: nil) }
        }
        guard let result else { throw busy }
        return result
    }

    /// Checks running and waiting now, threads alive, and checks refused as busy since start.
    public var load: (running: Int, waiting: Int, threads: Int, refused: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (running, waiting.count, threads, refusedCount)
    }

    /// Queues `job` if a thread or queue place is free, waking an idle thread or starting one.
    private func submit(_ job: Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard running + waiting.count < limits.threads + limits.queue else {
            refusedCount += 1
            return false
        }
        waiting.append(job)
        if idleThreads > 0 { condition.signal() }
        // More waiting than idle threads can take: start another while under the limit.
        if waiting.count > idleThreads, threads < limits.threads {
            threads += 1
            Thread { [self] in
                Thread.current.name = "bcrypt-check"  // Linux keeps 15 bytes of a thread name
                work()
            }.start()
        }
        return true
    }

    /// A thread's life: take the oldest job, run it (or give it up if it waited too long), repeat; end
    /// after `idleLifetime` with nothing to do.
    private func work() {
        condition.lock()
        while true {
            while waiting.isEmpty {
                idleThreads += 1
                let woken = condition.wait(until: Date(timeIntervalSinceNow: idleLifetime))
                idleThreads -= 1
                if !woken, waiting.isEmpty {
                    threads -= 1
                    condition.unlock()
                    return
                }
            }
            let job = waiting.removeFirst()
            let inTime = ContinuousClock.now - job.enqueued <= limits.maximumWait
            if !inTime { refusedCount += 1 }
            running += 1
            condition.unlock()
            job.run(inTime)
            condition.lock()
            running -= 1
        }
    }
}
