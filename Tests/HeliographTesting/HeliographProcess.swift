import Foundation
import Synchronization

/// The built `heliograph` executable, run as a subprocess the way a user runs it (the end-to-end
/// tests of HeliographAppTests and the crash and outage drills).
public final class HeliographProcess: Sendable {
    public let process: Process
    private final class Output: Sendable {
        let state = Mutex<(stdout: String, stderr: String)>(("", ""))
        func withLock<R>(_ body: (inout (stdout: String, stderr: String)) -> R) -> R { state.withLock { body(&$0) } }
    }

    private let output = Output()
    /// Read the child's stdout and stderr to end of file (see `PipeReader` for why not readabilityHandler).
    private let readers: (stdout: PipeReader, stderr: PipeReader)

    /// Where the build put the executable: beside the test bundle, or in the package's .build/debug.
    public static var executable: URL {
        get throws {
            var candidates: [URL] = []
            if let bundle = Bundle.main.executableURL?.deletingLastPathComponent() { candidates.append(bundle.appendingPathComponent("heliograph")) }
            for bundle in Bundle.allBundles { candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("heliograph")) }
            var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            while directory.path != "/" {
                if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                    candidates.append(directory.appendingPathComponent(".build/debug/heliograph"))
                    break
                }
                directory.deleteLastPathComponent()
            }
            guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
                throw TestFailure("heliograph executable not found (build it with `swift build --build-tests`); looked at \(candidates.map(\.path))")
            }
            return found
        }
    }

    public init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process = Process()
        process.executableURL = try Self.executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        let output = self.output
        readers = try launch(
            process,
            stdout: { data in output.withLock { $0.stdout += String(decoding: data, as: UTF8.self) } },
            stderr: { data in output.withLock { $0.stderr += String(decoding: data, as: UTF8.self) } }
        )
    }

    public var stdout: String { output.withLock { $0.stdout } }
    public var stderr: String { output.withLock { $0.stderr } }

    /// Waits for the process to exit and returns its status.
    public func exitStatus(timeout: Duration = .seconds(60)) async throws -> Int32 {
        try await eventually(timeout: timeout, "heliograph \(process.arguments ?? []) exits") { !self.process.isRunning }
        // Both pipes reach end of file once the process and its output are gone.
        try await eventually(timeout: .seconds(20), "output pipes closed") { self.readers.stdout.isFinished && self.readers.stderr.isFinished }
        return process.terminationStatus
    }

    /// False once the process has exited (see `hasExited` for why not `Process.isRunning` alone).
    public var isRunning: Bool { process.isRunning && !hasExited(process.processIdentifier) }

    /// Waits until the process is gone and its output read to the end, without needing its exit
    /// status (which another reaper in the test process may have taken).
    public func waitUntilGone(timeout: Duration = .seconds(60)) async throws {
        try await eventually(timeout: timeout, "heliograph \(process.arguments ?? []) exits") { !self.isRunning }
        try await eventually(timeout: .seconds(20), "output pipes closed") { self.readers.stdout.isFinished && self.readers.stderr.isFinished }
    }

    /// Sends SIGTERM and waits until the daemon is gone; a daemon that does not stop in time fails
    /// the test with the end of its log (and is killed when this object goes away). Whether it
    /// stopped cleanly is in its log ("Stopped").
    public func terminate(timeout: Duration = .seconds(60)) async throws {
        signal(SIGTERM)
        do {
            try await waitUntilGone(timeout: timeout)
        } catch {
            throw TestFailure("heliograph did not stop within \(timeout) of SIGTERM; its log ends:\n\(stderr.suffix(4_000))")
        }
    }

    public func signal(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Runs to completion and returns status, stdout and stderr.
    public static func run(_ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(60)) async throws -> (status: Int32, stdout: String, stderr: String) {
        let process = try HeliographProcess(arguments, environment: environment)
        let status = try await process.exitStatus(timeout: timeout)
        return (status, process.stdout, process.stderr)
    }
}
