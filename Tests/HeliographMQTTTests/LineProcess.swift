import Foundation
import HeliographCore
import HeliographTesting
import Synchronization

/// A child process whose stdout arrives as a stream of lines; for mosquitto, openssl and paho.
final class LineProcess: Sendable {
    let lines: AsyncStream<String>
    private let process: Mutex<Process>
    private let stderrText = LockedText()

    /// Starts `executable`. With `resetSignals`, it runs through a tiny python3 shim that clears
    /// the signal mask first: the test process blocks SIGTERM/SIGINT in its threads and children
    /// inherit that, so mosquitto would ignore the SIGTERM that makes it save its database. The
    /// shim also closes inherited descriptors: Foundation's Process passes on every non-CLOEXEC
    /// descriptor of the test process, and a long-lived broker holding another test's pipe would
    /// keep that pipe from ever closing.
    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], resetSignals: Bool = false) throws {
        let process = Process()
        if resetSignals, let python = findExecutable("python3") {
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = [
                "-c",
                "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); signal.signal(signal.SIGPIPE, signal.SIG_DFL); os.closerange(3, 65536); os.execv(sys.argv[1], sys.argv[1:])",
                executable,
            ] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        var env = ProcessInfo.processInfo.environment
        env["PYTHONUNBUFFERED"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let (lines, continuation) = AsyncStream.makeStream(of: String.self)
        self.lines = lines
        let partial = Mutex(Data())
        let stderrText = self.stderrText
        let readers = try launch(
            process,
            stdout: { data in
                let complete = partial.withLock { buffer -> [String] in
                    buffer.append(data)
                    var found: [String] = []
                    while let newline = buffer.firstIndex(of: 0x0A) {
                        found.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
                        buffer.removeSubrange(buffer.startIndex...newline)
                    }
                    return found
                }
                for line in complete { continuation.yield(line) }
            },
            stderr: { data in stderrText.text.withLock { $0 += String(decoding: data, as: UTF8.self) } }
        )
        Task {
            await readers.stdout.finished()
            continuation.finish()
        }
        self.process = Mutex(process)
    }

    /// False once the process has exited. Also checks the pid itself: if anything else in the
    /// test process reaps children with waitpid(-1), Foundation never learns of the exit.
    var isRunning: Bool {
        process.withLock { process in
            process.isRunning && !hasExited(process.processIdentifier)
        }
    }
    var standardError: String { stderrText.text.withLock { $0 } }
    var processIdentifier: Int32 { process.withLock { $0.processIdentifier } }

    /// Sends `signal` and waits until the process has exited; SIGKILL after 5 s as a last resort.
    func stop(signal: Int32 = SIGTERM) async throws {
        let pid = processIdentifier
        guard isRunning else { return }
        kill(pid, signal)
        do {
            try await eventually(timeout: .seconds(5), "process \(pid) exits") { !self.isRunning }
        } catch {
            kill(pid, SIGKILL)
            try await eventually(timeout: .seconds(5), "process \(pid) exits after SIGKILL") { !self.isRunning }
            throw error
        }
    }

    /// Runs a command to completion, throwing with its stderr when it fails.
    static func run(_ executable: String, _ arguments: [String]) async throws {
        let process = try LineProcess(executable, arguments, resetSignals: true)
        try await eventually(timeout: .seconds(30), "\(executable) finishes") { !process.isRunning }
        // Unknown (reaped elsewhere) counts as success; callers check the files they expect.
        let status = process.process.withLock { $0.isRunning ? 0 : $0.terminationStatus }
        guard status == 0 else {
            throw TestFailure("\(executable) \(arguments.joined(separator: " ")) failed (\(status)): \(process.standardError)")
        }
    }
}

/// Finds an executable in the usual places (mosquitto lives in /usr/sbin, often not on PATH).
func findExecutable(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin"]
    return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// True under CI, where a missing tool must fail the test instead of skipping it.
let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

/// Shared text behind a lock (a `Mutex` cannot be captured by value in a closure).
final class LockedText: Sendable {
    let text = Mutex("")
}

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
