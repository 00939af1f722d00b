import HeliographCore
import Logging
import PostgresNIO
import Synchronization

/// The store's PostgreSQL connection pool, replaced by a fresh one when the server is back after an
/// outage.
///
/// Why: while the server is down, PostgresNIO's pool waits longer and longer between connection
/// attempts (100 ms growing by 25 % per attempt, capped at one minute), so after an outage of ten
/// minutes it may take a minute to notice the server is back, and it cannot be told to try now.
/// After operations have failed without an answer from the server for `failingFor`, a failed
/// operation makes one probe connection (at most every `probeInterval`); when that succeeds a fresh
/// pool takes over (its back-off starts again at 100 ms) and the old one is shut down.
final class PoolRotation: Sendable {
    /// One pool and the signal that retires it.
    private struct Generation: Sendable {
        let client: PostgresClient
        let retired: AsyncStream<Void>
        let retire: AsyncStream<Void>.Continuation

        init(_ client: PostgresClient) {
            self.client = client
            (retired, retire) = AsyncStream<Void>.makeStream()
        }
    }

    private struct State {
        var current: Generation
        /// Start of the current run of failed operations; nil after a success.
        var failingSince: ContinuousClock.Instant?
        var lastProbe: ContinuousClock.Instant?
    }

    let failingFor: Duration
    let probeInterval: Duration
    private let makeClient: @Sendable () -> PostgresClient
    private let state: Mutex<State>
    private let generations: AsyncStream<Generation>
    private let newGeneration: AsyncStream<Generation>.Continuation

    /// - Parameter makeClient: builds a pool; called now and for every replacement.
    init(failingFor: Duration = .seconds(2), probeInterval: Duration = .seconds(3), makeClient: @escaping @Sendable () -> PostgresClient) {
        self.failingFor = failingFor
        self.probeInterval = probeInterval
        self.makeClient = makeClient
        let first = Generation(makeClient())
        state = Mutex(State(current: first))
        (generations, newGeneration) = AsyncStream<Generation>.makeStream()
        newGeneration.yield(first)
    }

    /// The pool to use now.
    var client: PostgresClient { state.withLock { $0.current.client } }

    /// Runs the current pool and every replacement until cancelled; a replaced pool is shut down
    /// (its `run()` cancelled). Call once.
    func run() async {
        await withDiscardingTaskGroup { group in
            for await generation in generations {
                group.addTask {
                    await withTaskGroup(of: Void.self) { pool in
                        pool.addTask { await generation.client.run() }
                        pool.addTask { for await _ in generation.retired {} }
                        _ = await pool.next()
                        pool.cancelAll()
                    }
                }
            }
        }
    }

    /// An operation went through: the server answers.
    func succeeded() {
        state.withLock { $0.failingSince = nil }
    }

    /// An operation failed. When failures without a server answer have lasted `failingFor` and a
    /// probe connection (`probe`) now succeeds, a fresh pool replaces the current one.
    /// - Returns: true when the pool was replaced, so the operation is worth retrying at once.
    func failed(_ error: any Error, logger: Logger, probe: @Sendable () async -> Bool) async -> Bool {
        // The server answered with an error of its own (a constraint, a missing table): the
        // connection is fine and a new pool would not help.
        guard !Self.isServerAnswer(error) else { return false }
        let now = ContinuousClock.now
        let due = state.withLock { state -> Bool in
            let since = state.failingSince ?? now
            state.failingSince = since
            guard now - since >= failingFor, state.lastProbe.map({ now - $0 >= probeInterval }) ?? true else { return false }
            state.lastProbe = now
            return true
        }
        guard due, await probe() else { return false }
        let retired = state.withLock { state -> Generation in
            let old = state.current
            state.current = Generation(makeClient())
            state.failingSince = nil
            newGeneration.yield(state.current)
            return old
        }
        retired.retire.finish()
        logger.notice("PostgreSQL answers again; switched to a fresh connection pool instead of waiting out the old one's back-off")
        return true
    }

    /// True when `error` (or what it wraps) is the server's own error reply.
    static func isServerAnswer(_ error: any Error) -> Bool {
        var current: (any Error)? = error
        while let error = current {
            if let error = error as? PSQLError { return error.serverInfo != nil }
            current = (error as? HeliographError)?.underlying
        }
        return false
    }
}
