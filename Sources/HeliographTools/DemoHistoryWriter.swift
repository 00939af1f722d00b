import HeliographCore
import ServiceLifecycle

/// Stores the demo's older days while the daemon runs, newest first, so the web UI is up at once and
/// the recent week fills before the rest. Runs among the front ends, which stop before the store
/// closes; at shutdown it stops between days.
struct DemoHistoryWriter: Service {
    let history: DemoHistory.History
    /// Day indices, in the order to store them.
    let days: [Int]
    let store: any SampleStore
    let say: @Sendable (String) -> Void

    func run() async throws {
        do {
            let took = try await cancelWhenGracefulShutdown { try await history.write(to: store, days: days) }
            say("  history: the other \(days.count) days stored in the background in \(took.readable)")
        } catch {
            // Never the daemon's failure: the history is a convenience, and the live readings go on.
            say(Task.isCancelled || Task.isShuttingDownGracefully ? "  history: stopped at shutdown" : "  history: could not store it all: \(error)")
        }
        // A service that returns ends the daemon: stay until it stops.
        try? await gracefulShutdown()
    }
}
