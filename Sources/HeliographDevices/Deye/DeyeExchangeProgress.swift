import HeliographCore
import Synchronization

/// What an exchange with a Deye inverter is doing and how long it may still wait, shared with the
/// watchdog that enforces the per-request timeout and with the error that explains a timeout.
final class DeyeExchangeProgress: Sendable {
    private struct State {
        var step = "connecting"
        var discarded: String?
        var serial: UInt32?
        var deadline: ContinuousClock.Instant
    }

    let timeout: Duration
    private let state: Mutex<State>

    /// The first deadline (connecting) starts now.
    init(timeout: Duration) {
        self.timeout = timeout
        self.state = Mutex(State(deadline: ContinuousClock.now.advanced(by: timeout)))
    }

    var step: String { state.withLock { $0.step } }
    var discarded: String? { state.withLock { $0.discarded } }
    var learnedSerial: UInt32? { state.withLock { $0.serial } }
    var deadline: ContinuousClock.Instant { state.withLock { $0.deadline } }

    /// A new request went out: it gets a full timeout of its own.
    func begin(_ step: String) {
        state.withLock {
            $0.step = step
            $0.deadline = ContinuousClock.now.advanced(by: timeout)
        }
    }

    func discarded(_ reason: String?) { state.withLock { $0.discarded = reason } }
    func learned(_ serial: UInt32) { state.withLock { $0.serial = serial } }
}

/// Runs `operation`, throwing a `.timeout` error once `progress.deadline` passes; every `begin`
/// moves the deadline, so each request gets its own timeout however many a poll sends.
func withRequestDeadlines<Result: Sendable>(
    _ progress: DeyeExchangeProgress,
    operation: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Result.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            while true {
                let deadline = progress.deadline
                if ContinuousClock.now >= deadline {
                    throw HeliographError(.timeout, "no answer within \(progress.timeout) while \(progress.step)")
                }
                try await Task.sleep(until: deadline, clock: .continuous)
            }
        }
        defer { group.cancelAll() }
        guard let result = try await group.next() else { throw CancellationError() }
        return result
    }
}
