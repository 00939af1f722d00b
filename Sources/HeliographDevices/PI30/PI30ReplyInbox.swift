import HeliographPI30
import Synchronization

/// Hands decoded replies from the connection's reader task to whoever waits for the next one.
///
/// It exists so a single reply can be awaited under `withTimeout` (whose operation must be
/// `@Sendable`, which an async iterator is not); waiting reacts to cancellation.
final class PI30ReplyInbox: Sendable {
    private struct State {
        var frames: [PI30Frame] = []
        var waiter: CheckedContinuation<PI30Frame, any Error>?
        var failure: (any Error)?
    }

    private let state = Mutex(State())

    /// A reply arrived.
    func deliver(_ frame: PI30Frame) {
        let waiter = state.withLock { state -> CheckedContinuation<PI30Frame, any Error>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.frames.append(frame)
            return nil
        }
        waiter?.resume(returning: frame)
    }

    /// No more replies will come: the link closed or the decoder rejected the stream.
    func finish(_ error: any Error) {
        let waiter = state.withLock { state -> CheckedContinuation<PI30Frame, any Error>? in
            if state.failure == nil { state.failure = error }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(throwing: error)
    }

    /// Drops replies nobody asked for (late answers to an earlier command); returns how many.
    func discardPending() -> Int {
        state.withLock { state in
            defer { state.frames.removeAll() }
            return state.frames.count
        }
    }

    /// The next reply, in order of arrival.
    func next() async throws -> PI30Frame {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<PI30Frame, any Error>) in
                let ready = state.withLock { state -> Result<PI30Frame, any Error>? in
                    if !state.frames.isEmpty { return .success(state.frames.removeFirst()) }
                    if let failure = state.failure { return .failure(failure) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<PI30Frame, any Error>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }
}
