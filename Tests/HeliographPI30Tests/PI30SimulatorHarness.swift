import Foundation
import HeliographDevices
import HeliographTesting
import Logging

let quietLogger = Logger(label: "heliograph.tests.pi30") { _ in SwiftLogNoOpLogHandler() }

/// Runs a `PI30SimulatorService` on a real pseudo-terminal for the duration of `body`.
func withPI30Simulator<Result: Sendable>(
    simulator: PI30Simulator = PI30Simulator(),
    configuration: PI30SimulatorService.Configuration = PI30SimulatorService.Configuration(),
    _ body: (PI30SimulatorService, String) async throws -> Result
) async throws -> Result {
    let (paths, continuation) = AsyncStream<String>.makeStream()
    let service = PI30SimulatorService(simulator: simulator, configuration: configuration, logger: quietLogger) { path in
        continuation.yield(path)
        continuation.finish()
    }
    let task = Task {
        defer { continuation.finish() }
        try await service.run()
    }
    var iterator = paths.makeAsyncIterator()
    guard let path = await iterator.next() else {
        _ = try await task.value
        throw TestFailure("the PI30 simulator stopped before it was ready")
    }
    do {
        let result = try await body(service, path)
        task.cancel()
        _ = try? await task.value
        return result
    } catch {
        task.cancel()
        _ = try? await task.value
        throw error
    }
}

/// Noon UTC on a fixed day, so the daylight curve is at its peak.
let simulatedNoon = Date(timeIntervalSince1970: 1_750_000_000 - 1_750_000_000.truncatingRemainder(dividingBy: 86_400) + 12 * 3_600)
