import Foundation

/// Runs CPU-bound or blocking work on a thread of its own and waits for it without holding a
/// Swift-concurrency thread. The cooperative pool has one thread per core (two on the project
/// machine): a test that computes for seconds on it starves every other test in the process,
/// including simulators and drivers that must answer within their timeouts.
public func onOwnThread<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Swift.Result { try body() }) }
        thread.name = "test-own-thread"
        thread.start()
    }
}
