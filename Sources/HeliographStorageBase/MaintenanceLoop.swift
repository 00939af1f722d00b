import HeliographCore
import Logging
import ServiceLifecycle
import Synchronization

/// The `run()` both stores share as a `Service`: refuse a second run, then a maintenance pass every
/// `interval` until graceful shutdown or cancellation.
package struct MaintenanceLoop: Sendable {
    /// Pause between passes.
    package var interval: Duration
    /// Pause before the first pass: a full interval for a store that is ready at once (SQLite), none
    /// for one that should set up its schema and partitions early (PostgreSQL).
    package var firstPassAfter: Duration
    /// After a failed pass, the next one comes after at most this long (a database that was down).
    package var retryAfterFailure: Duration?

    package init(interval: Duration, firstPassAfter: Duration, retryAfterFailure: Duration? = nil) {
        self.interval = interval
        self.firstPassAfter = firstPassAfter
        self.retryAfterFailure = retryAfterFailure
    }

    /// Runs passes until graceful shutdown or cancellation. A failed pass is logged and retried on
    /// the next one; cancellation mid-pass (shutdown) is not a failure.
    /// - Parameter pass: one pass; returns what it did as log metadata.
    package func run(logger: Logger, pass: @escaping @Sendable () async throws -> Logger.Metadata) async {
        await cancelWhenGracefulShutdown {
            var delay = firstPassAfter
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    return
                }
                delay = interval
                do {
                    let report = try await pass()
                    logger.debug("storage maintenance", metadata: report)
                } catch {
                    if Task.isCancelled { return }
                    logger.warning("storage maintenance failed", metadata: ["error": "\(error)"])
                    if let retryAfterFailure { delay = min(delay, retryAfterFailure) }
                }
            }
        }
    }
}

/// Lets a store's service run once: a second `run()` is a programming error reported as such.
package final class RunOnce: Sendable {
    private let started = Mutex(false)

    package init() {}

    /// Marks the service running; throws `invalidRequest` naming `service` when it already was.
    package func claim(_ service: String) throws(HeliographError) {
        let already = started.withLock { started in
            defer { started = true }
            return started
        }
        if already { throw HeliographError(.invalidRequest, "the \(service) service is already running") }
    }
}
