import Foundation

/// The built `heliograph` executable, run as a subprocess the way a user runs it (the end-to-end
/// tests of HeliographIntegrationTests and the crash and outage drills; `withDaemon` starts one from a configuration).
public final class HeliographProcess: Sendable {
    public let process: ChildProcess

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

    /// - Parameter openFileLimit: runs the binary under `prlimit --nofile=N:N`, as a unit's `LimitNOFILE=N` would.
    public init(_ arguments: [String], environment: [String: String] = [:], openFileLimit: Int? = nil) throws {
        if let openFileLimit {
            process = try ChildProcess("/usr/bin/prlimit", ["--nofile=\(openFileLimit):\(openFileLimit)", "--", try Self.executable.path] + arguments, environment: environment)
        } else {
            process = try ChildProcess(try Self.executable.path, arguments, environment: environment)
        }
    }

    public var stdout: String { process.stdout }
    public var stderr: String { process.stderr }

    /// Waits for the process to exit (and its output to end) and returns its status.
    public func exitStatus(timeout: Duration = .seconds(60)) async throws -> Int32 {
        try await process.exitStatus(timeout: timeout)
    }

    /// True until the daemon has exited.
    public var isRunning: Bool { process.isRunning }

    /// Waits until the process is gone and its output read to the end.
    public func waitUntilGone(timeout: Duration = .seconds(60)) async throws {
        _ = try await process.exitStatus(timeout: timeout)
    }

    /// Sends SIGTERM and waits until the daemon is gone; a daemon that does not stop in time fails
    /// the test with the end of its log. Whether it stopped cleanly is in its log ("Stopped") and
    /// its exit status.
    public func terminate(timeout: Duration = .seconds(60)) async throws {
        signal(SIGTERM)
        do {
            try await waitUntilGone(timeout: timeout)
        } catch {
            throw TestFailure("heliograph did not stop within \(timeout) of SIGTERM; its log ends:\n\(stderr.suffix(4_000))")
        }
    }

    public func signal(_ signal: Int32) {
        process.signal(signal)
    }

    /// Runs to completion and returns status, stdout and stderr.
    public static func run(_ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(60)) async throws -> (status: Int32, stdout: String, stderr: String) {
        let process = try HeliographProcess(arguments, environment: environment)
        let status = try await process.exitStatus(timeout: timeout)
        return (status, process.stdout, process.stderr)
    }
}
