import Foundation

/// Polls `condition` until it holds, failing after `timeout`. For conditions that have no event to
/// await (a child exiting, a port accepting, a file appearing); prefer awaiting a stream or
/// continuation when one exists. The default deadline only catches hangs: a test process that starts
/// hundreds of tests at once on two cores has stalled for over 10 s before a subscription was made.
public func eventually(
    timeout: Duration = .seconds(30),
    _ what: String = "condition",
    _ condition: @Sendable () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while clock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw ProcessFailure("\(what) did not hold within \(timeout)")
}

/// A fresh directory under the system temporary directory, removed by the caller with `removeItem`.
public func makeTemporaryDirectory(_ prefix: String = "heliograph") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
