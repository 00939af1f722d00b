import Foundation
import HeliographTesting
import Synchronization

/// Runs a tool to completion with `launch` (reader threads, close-on-exec pipes), returning its
/// status and combined output.
enum ExternalTool {
    static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"

    static func which(_ tool: String, also: [String] = []) -> String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/bin", "/usr/sbin", "/usr/local/bin"]
        for candidate in also + directories.map({ "\($0)/\(tool)" }) where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return nil
    }

    static func run(_ executable: String, _ arguments: [String], stdin: URL? = nil) async throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let stdin { process.standardInput = try FileHandle(forReadingFrom: stdin) }
        let output = TextCollector()
        let collect: @Sendable (Data) -> Void = { chunk in output.append(chunk) }
        var readers: (stdout: PipeReader, stderr: PipeReader)?
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { readers = try launch(process, stdout: collect, stderr: collect) } catch { continuation.resume(throwing: error) }
        }
        await readers?.stdout.finished()
        await readers?.stderr.finished()
        return (status, output.text)
    }
}

/// Debian's `promtool` (package prometheus), Prometheus's own exposition-format linter.
enum Promtool {
    static let inCI = ExternalTool.inCI
    static let path = ExternalTool.which("promtool")

    static func check(_ exposition: [UInt8], promtool: String) async throws -> (Int32, String) {
        let directory = try makeTemporaryDirectory("promtool")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("metrics.prom")
        try Data(exposition).write(to: file)
        return try await ExternalTool.run(promtool, ["check", "metrics"], stdin: file)
    }
}
