/// Runs `operation`, throwing `HeliographError.Code.timeout` if it takes longer than `duration`.
///
/// The operation is cancelled on timeout; it must react to cancellation (NIO async streams do).
public func withTimeout<Result: Sendable>(
    _ duration: Duration,
    _ what: @autoclosure () -> String = "operation",
    operation: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    let description = what()
    return try await withThrowingTaskGroup(of: Result.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: duration)
            throw HeliographError(.timeout, "\(description) took longer than \(duration)")
        }
        defer { group.cancelAll() }
        guard let result = try await group.next() else { throw CancellationError() }
        return result
    }
}
