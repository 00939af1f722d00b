import HeliographCore
import ServiceLifecycle

/// Makes and stores the demo's history while the daemon runs, so the web UI is up at once: the last
/// day first (today's charts), then the older days newest first. Runs among the front ends, which
/// stop before the store closes; at shutdown it stops between days.
struct DemoHistoryWriter: Service {
    let make: @Sendable () async throws -> DemoHistory.History
    /// Called once the history is made, before it is stored (the live inverters take its battery).
    let made: @Sendable (DemoHistory.History) -> Void
    let store: any SampleStore
    let say: @Sendable (String) -> Void

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                let history = try await make()
                made(history)
                let days = Array(history.days.indices.reversed())
                let lastDay = try await history.write(to: store, days: Array(days.prefix(1)))
                say("  history: \(history.days.count) days, \(history.samples) samples made in \(history.generating.readable); the last day stored in \(lastDay.readable)")
                let rest = try await history.write(to: store, days: Array(days.dropFirst()))
                say("  history: the other \(days.count - 1) days stored in \(rest.readable)")
            }
        } catch {
            // Never the daemon's failure: the history is a convenience, and the live readings go on.
            say(Task.isCancelled || Task.isShuttingDownGracefully ? "  history: stopped at shutdown" : "  history: could not store it all: \(error)")
        }
        // A service that returns ends the daemon: stay until it stops.
        try? await gracefulShutdown()
    }
}
