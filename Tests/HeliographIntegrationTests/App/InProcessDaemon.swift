import HeliographApp
import HeliographTesting
import Logging
import Testing

/// `withDaemon` for tests that look inside the daemon (its poller, its store): the same
/// `DaemonConfiguration`, parsed as `heliograph run` parses it (a problem fails the test), the daemon
/// built by the composition root and run in this process while `body` runs, then shut down
/// gracefully however `body` ends.
func withDaemonInProcess<Result: Sendable>(
    configuration: DaemonConfiguration,
    logger: Logger = Logger(label: "test"),
    _ body: (Daemon) async throws -> Result
) async throws -> Result {
    let (parsed, problems) = HeliographConfiguration.parse(yaml: configuration.yaml)
    guard let parsed, problems.isEmpty else {
        throw TestFailure("the test's configuration has problems: \(problems.map(\.description))\n\(configuration.yaml)")
    }
    let daemon = try await buildDaemon(configuration: parsed, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await daemon.group.run() }
        let outcome: Swift.Result<Result, any Error>
        do { outcome = .success(try await body(daemon)) } catch { outcome = .failure(error) }
        await daemon.group.triggerGracefulShutdown()
        try await group.waitForAll()
        return try outcome.get()
    }
}
