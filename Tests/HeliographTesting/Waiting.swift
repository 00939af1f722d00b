import Foundation

/// Errors raised by the test helpers.
public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Polls `condition` until it holds, failing after `timeout`. For conditions that have no event to
/// await (a file appearing, a row landing); prefer awaiting a stream or continuation when one exists.
public func eventually(
    timeout: Duration = .seconds(10),
    _ what: String = "condition",
    _ condition: @Sendable () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while clock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw TestFailure("\(what) did not hold within \(timeout)")
}

/// A fresh directory under the system temporary directory, removed by the caller with `removeItem`.
public func makeTemporaryDirectory(_ prefix: String = "heliograph") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Locates `../shared/protocols/<name>` from the package root, the checked-in data files of
/// register maps and captured frames. Returns nil when the shared folder is absent.
public func sharedProtocolFile(_ name: String, file: StaticString = #filePath) -> URL? {
    var directory = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
    while directory.path != "/" {
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            let candidate = directory.deletingLastPathComponent().appendingPathComponent("shared/protocols/\(name)")
            return FileManager.default.fileExists(atPath: candidate.path) ? candidate : nil
        }
        directory = directory.deletingLastPathComponent()
    }
    return nil
}
