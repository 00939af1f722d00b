import Foundation
import HeliographCore
import HeliographTesting
import Synchronization

/// Processes and clients a test started, stopped in reverse order when the test ends (also on failure).
final class TestResources: Sendable {
    private let stops = Mutex<[@Sendable () async -> Void]>([])

    func onCleanup(_ stop: @escaping @Sendable () async -> Void) {
        stops.withLock { $0.append(stop) }
    }

    func cleanup() async {
        let all = stops.withLock { stops in
            defer { stops.removeAll() }
            return stops
        }
        for stop in all.reversed() { await stop() }
    }
}

/// Runs `body` with a `TestResources` that is cleaned up however `body` ends; a body that takes
/// longer than `timeout` is cancelled, so a stuck test fails instead of hanging the suite.
func withTestResources<T: Sendable>(timeout: Duration = .seconds(90), _ body: @escaping @Sendable (TestResources) async throws -> T) async throws -> T {
    let resources = TestResources()
    do {
        let result = try await withTimeout(timeout, "test body") { try await body(resources) }
        await resources.cleanup()
        return result
    } catch {
        await resources.cleanup()
        throw error
    }
}

extension Mosquitto {
    /// Starts a broker that is stopped and removed when the test ends.
    static func start(_ options: Options = Options(), in resources: TestResources) async throws -> Mosquitto {
        let broker = try await start(options)
        resources.onCleanup { await broker.shutdown() }
        return broker
    }
}
