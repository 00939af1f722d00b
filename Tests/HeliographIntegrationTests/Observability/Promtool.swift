import Foundation
import HeliographTesting

/// Debian's `promtool` (package prometheus), Prometheus's own exposition-format linter.
enum Promtool {
    static let path = findExecutable("promtool")

    /// Lints an exposition with `promtool check metrics`; its status and output.
    static func check(_ exposition: [UInt8], promtool: String) async throws -> (Int32, String) {
        let directory = try makeTemporaryDirectory("promtool")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("metrics.prom")
        try Data(exposition).write(to: file)
        return try await check(file, promtool: promtool)
    }

    /// Lints the exposition in `file`; its status and output.
    static func check(_ file: URL, promtool: String) async throws -> (Int32, String) {
        let result = try await ChildProcess.run(promtool, ["check", "metrics"], input: .file(file))
        return (result.status, result.output)
    }
}
