#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// A program run as a child of this process: a tool run to the end (`ChildProcess.run`) or a
/// server that lives for a test or a benchmark (mosquitto, PostgreSQL, influxd, the `heliograph` binary).
///
/// Every test target starts its children through this one type, and it does not use
/// `Foundation.Process`, for three reasons found while tracking down a hang of the whole test run:
///
/// - `Process` learns that a child exited from a socket pair the child inherits: end of file on it
///   makes Process's single manager thread call a *blocking* `waitpid` for that child. A child that
///   closes its inherited descriptors (the python3 shims that used to start PostgreSQL and
///   mosquitto did) triggers that at once, so the manager thread waits for a server that runs
///   until the end of the test process, and no other `Process` in that process is ever seen to
///   exit (`terminationHandler`, `waitUntilExit` and `isRunning` all hang or stay true).
/// - Swift concurrency runs tasks on threads that block almost every signal, and `Process` passes
///   that mask on: mosquitto ignored SIGTERM, and a shell's `wait` never saw its server exit.
/// - `Process` passes on descriptors another thread opened while it was spawning.
///
/// Here `posix_spawn` gives the child an empty signal mask and default signal dispositions,
/// closes every descriptor above stderr in the child (`closefrom`), and a thread of its own waits
/// for exactly this child's pid, so one child never delays noticing another.
public final class ChildProcess: Sendable {
    /// Where the child's standard input comes from.
    public enum Input: Sendable {
        /// /dev/null.
        case nothing
        /// A file, read from the start.
        case file(URL)
        /// A pipe the test writes with `write(_:)` and closes with `closeInput()`.
        case pipe
    }

    /// What a child run to the end left behind.
    public struct Result: Sendable {
        /// The exit status, or 128 + the signal number when a signal ended it (as shells report it).
        public let status: Int32
        public let stdout: String
        public let stderr: String
        /// stdout and stderr interleaved in the order they arrived.
        public let output: String
    }

    public let processIdentifier: pid_t
    /// The program and its arguments, for messages.
    public let commandLine: String
    /// stdout line by line (without the newline), finishing at end of file. One reader at a time.
    public let lines: AsyncStream<String>
    private let output: CollectedOutput
    private let readers: (stdout: PipeReader, stderr: PipeReader)
    private let exit: ExitWatch
    private let input: Mutex<FileHandle?>

    /// Starts `executable` (a path, or a name looked up like `findExecutable`) with `arguments`, the
    /// test process's environment plus `environment`, in `directory`.
    public init(
        _ executable: String,
        _ arguments: [String] = [],
        environment: [String: String] = [:],
        directory: URL? = nil,
        input: Input = .nothing
    ) throws {
        guard let path = executable.contains("/") ? executable : findExecutable(executable) else {
            throw ProcessFailure("\(executable) is not installed (not found on PATH or in the sbin directories)")
        }
        commandLine = ([path] + arguments).joined(separator: " ")
        let stdout = try ChildPipe()
        let stderr = try ChildPipe()
        let stdin = input.isPipe ? try ChildPipe() : nil
        let mergedEnvironment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }

        let pid = try spawn(
            path,
            arguments: [path] + arguments,
            environment: mergedEnvironment.map { "\($0.key)=\($0.value)" },
            directory: directory,
            input: input,
            descriptors: (stdin: stdin?.reading.fileDescriptor, stdout: stdout.writing.fileDescriptor, stderr: stderr.writing.fileDescriptor)
        )
        processIdentifier = pid
        // The child has its copies; closing ours lets end of file arrive when the child's are gone.
        try stdout.writing.close()
        try stderr.writing.close()
        try stdin?.reading.close()
        self.input = Mutex(stdin?.writing)

        let output = CollectedOutput()
        let (lines, continuation) = AsyncStream.makeStream(of: String.self)
        let splitter = LineSplitter { continuation.yield($0) }
        self.output = output
        self.lines = lines
        readers = (
            PipeReader(stdout.reading) { data in
                output.append(data, from: .stdout)
                splitter.append(data)
            } onEnd: {
                splitter.finish()
                continuation.finish()
            },
            PipeReader(stderr.reading) { data in output.append(data, from: .stderr) }
        )
        exit = ExitWatch(pid)
    }

    /// Runs `executable` to the end and returns its status and output; the child is killed and
    /// the call throws when it takes longer than `timeout`.
    public static func run(
        _ executable: String,
        _ arguments: [String] = [],
        environment: [String: String] = [:],
        directory: URL? = nil,
        input: Input = .nothing,
        timeout: Duration = .seconds(120)
    ) async throws -> Result {
        let child = try ChildProcess(executable, arguments, environment: environment, directory: directory, input: input)
        let status = try await child.exitStatus(timeout: timeout)
        return Result(status: status, stdout: child.stdout, stderr: child.stderr, output: child.combinedOutput)
    }

    /// True until the child has exited.
    public var isRunning: Bool { exit.status == nil }
    /// The exit status (128 + signal when a signal ended it); nil while the child runs.
    public var status: Int32? { exit.status }
    public var stdout: String { output.text(of: .stdout) }
    public var stderr: String { output.text(of: .stderr) }
    /// stdout and stderr interleaved in the order they arrived.
    public var combinedOutput: String { output.text(of: nil) }
    /// True once both output pipes reached end of file (the child and anything it started are gone).
    public var outputFinished: Bool { readers.stdout.isFinished && readers.stderr.isFinished }

    /// Waits until the child has exited and its output has ended, and returns its status. After
    /// `timeout` the child (and its process group) is killed and the call throws with its output.
    @discardableResult
    public func exitStatus(timeout: Duration = .seconds(60)) async throws -> Int32 {
        do {
            try await eventually(timeout: timeout, "\(commandLine) exits") { !self.isRunning && self.outputFinished }
        } catch {
            kill(-processIdentifier, SIGKILL)
            throw ProcessFailure("\(error); output so far:\n\(combinedOutput.suffix(4_000))")
        }
        return exit.status ?? -1
    }

    /// Blocks the calling thread until the child exits, for synchronous checks (`pythonHas`); the
    /// status, or nil (and the child killed) after `timeout`.
    public func waitBlocking(timeout: Duration = .seconds(30)) -> Int32? {
        guard let status = exit.wait(timeout: timeout) else {
            kill(-processIdentifier, SIGKILL)
            return nil
        }
        return status
    }

    /// Sends `signal` to the child, if it still runs.
    public func signal(_ signal: Int32) {
        // Only while it was not reaped: after that the pid may belong to another process.
        if isRunning { kill(processIdentifier, signal) }
    }

    /// Sends `signal` and waits until the child has exited; after `grace` it is killed with SIGKILL
    /// and the call throws (a server that ignores SIGTERM is a failure worth seeing).
    public func stop(signal: Int32 = SIGTERM, grace: Duration = .seconds(10)) async throws {
        guard isRunning else { return }
        self.signal(signal)
        do {
            try await eventually(timeout: grace, "\(commandLine) exits after signal \(signal)") { !self.isRunning }
        } catch {
            kill(-processIdentifier, SIGKILL)
            try await eventually(timeout: .seconds(10), "\(commandLine) exits after SIGKILL") { !self.isRunning }
            throw error
        }
    }

    /// Writes to the child's stdin (`input: .pipe`).
    public func write(_ text: String) throws {
        guard let handle = input.withLock({ $0 }) else { throw ProcessFailure("\(commandLine) has no stdin pipe (start it with input: .pipe)") }
        try handle.write(contentsOf: Data(text.utf8))
    }

    /// Closes the child's stdin; it reads end of file.
    public func closeInput() {
        input.withLock { handle in
            try? handle?.close()
            handle = nil
        }
    }

    deinit {
        // A server a test forgot (or a failed test left) must not outlive it, nor anything it started.
        if isRunning { kill(-processIdentifier, SIGKILL) }
    }
}

extension ChildProcess.Input {
    fileprivate var isPipe: Bool {
        if case .pipe = self { return true }
        return false
    }
}

/// Finds an executable on PATH or in the sbin directories (mosquitto lives in /usr/sbin, often not on PATH).
public func findExecutable(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin", "/sbin", "/bin"]
    return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

// MARK: Spawning

/// Spawns `path` with a clean signal state and only the three standard descriptors; returns its pid.
private func spawn(
    _ path: String,
    arguments: [String],
    environment: [String],
    directory: URL?,
    input: ChildProcess.Input,
    descriptors: (stdin: CInt?, stdout: CInt, stderr: CInt)
) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    var attributes = posix_spawnattr_t()
    try check(posix_spawn_file_actions_init(&actions), "posix_spawn_file_actions_init")
    defer { posix_spawn_file_actions_destroy(&actions) }
    try check(posix_spawnattr_init(&attributes), "posix_spawnattr_init")
    defer { posix_spawnattr_destroy(&attributes) }

    switch input {
    case .nothing: try check(posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0), "open /dev/null as stdin")
    case .file(let url): try check(posix_spawn_file_actions_addopen(&actions, 0, url.path, O_RDONLY, 0), "open \(url.path) as stdin")
    case .pipe: try check(posix_spawn_file_actions_adddup2(&actions, descriptors.stdin ?? -1, 0), "stdin pipe")
    }
    try check(posix_spawn_file_actions_adddup2(&actions, descriptors.stdout, 1), "stdout pipe")
    try check(posix_spawn_file_actions_adddup2(&actions, descriptors.stderr, 2), "stderr pipe")
    // Whatever else the test process has open (other tests' pipes and sockets) stays out of the child.
    try check(spawnCloseFrom(&actions, 3), "closefrom")
    if let directory { try check(spawnChangeDirectory(&actions, directory.path), "chdir \(directory.path)") }

    var noSignals = sigset_t()
    var allSignals = sigset_t()
    sigemptyset(&noSignals)
    sigfillset(&allSignals)
    try check(posix_spawnattr_setsigmask(&attributes, &noSignals), "empty signal mask")
    // Default dispositions, SIGPIPE above all: the test process ignores it, and children would inherit that.
    try check(posix_spawnattr_setsigdefault(&attributes, &allSignals), "default signal handlers")
    // A process group of its own, so a kill reaches whatever it started too (setpriv, sh, env).
    try check(posix_spawnattr_setpgroup(&attributes, 0), "process group")
    let flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP
    try check(posix_spawnattr_setflags(&attributes, Int16(flags)), "spawn flags")

    let argv = arguments.map { strdup($0) } + [nil]
    let envp = environment.map { strdup($0) } + [nil]
    defer { for pointer in argv + envp { free(pointer) } }
    var pid = pid_t()
    let result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
    guard result == 0 else { throw ProcessFailure("cannot start \(path): \(String(cString: strerror(result)))") }
    return pid
}

private func check(_ result: CInt, _ what: String) throws {
    guard result == 0 else { throw ProcessFailure("posix_spawn setup (\(what)) failed: \(String(cString: strerror(result)))") }
}

#if os(Linux)
// glibc (2.34+) declares these only under _GNU_SOURCE, which Swift's Glibc module does not set.
@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func spawnCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ lowest: CInt) -> CInt

@_silgen_name("posix_spawn_file_actions_addchdir_np")
private func spawnChangeDirectory(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: UnsafePointer<CChar>) -> CInt
#else
private func spawnCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ lowest: CInt) -> CInt { 0 }

private func spawnChangeDirectory(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: UnsafePointer<CChar>) -> CInt {
    posix_spawn_file_actions_addchdir_np(actions, path)
}
#endif

// MARK: Exit and output

/// Waits on a thread of its own for one child's exit with `waitpid(pid)`: never `waitpid(-1)`, so
/// it reaps only its own child and never blocks on anyone else's.
private final class ExitWatch: Sendable {
    private let exitStatus = Mutex<Int32?>(nil)
    private let exited = DispatchSemaphore(value: 0)

    init(_ pid: pid_t) {
        let thread = Thread { [self] in
            var raw: CInt = 0
            var result = waitpid(pid, &raw, 0)
            while result == -1 && errno == EINTR { result = waitpid(pid, &raw, 0) }
            let signal = raw & 0x7f
            // Exited normally: the status byte; ended by a signal: 128 + its number, as shells say.
            let status = result == -1 ? -1 : signal == 0 ? (raw >> 8) & 0xff : 128 + signal
            exitStatus.withLock { $0 = status }
            exited.signal()
        }
        thread.name = "ChildProcess \(pid)"
        thread.start()
    }

    var status: Int32? { exitStatus.withLock { $0 } }

    /// Blocks the calling thread until the child exits or `timeout` passes; the status, or nil.
    func wait(timeout: Duration) -> Int32? {
        guard exited.wait(timeout: .now() + .milliseconds(Int(timeout / .milliseconds(1)))) == .success else { return nil }
        exited.signal()  // for the next waiter
        return status
    }
}

/// A child's output as it arrived, remembering which pipe each chunk came from.
private final class CollectedOutput: Sendable {
    enum Stream { case stdout, stderr }
    private let chunks = Mutex<[(Stream, Data)]>([])

    func append(_ data: Data, from stream: Stream) {
        chunks.withLock { $0.append((stream, data)) }
    }

    /// One stream's text, or both interleaved when `stream` is nil.
    func text(of stream: Stream?) -> String {
        let data = chunks.withLock { chunks in
            chunks.reduce(into: Data()) { result, chunk in
                if stream == nil || chunk.0 == stream { result.append(chunk.1) }
            }
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Cuts a byte stream into lines for `ChildProcess.lines`.
private final class LineSplitter: Sendable {
    private let pending = Mutex(Data())
    private let emit: @Sendable (String) -> Void

    init(_ emit: @escaping @Sendable (String) -> Void) { self.emit = emit }

    func append(_ data: Data) {
        let complete = pending.withLock { buffer -> [String] in
            buffer.append(data)
            var found: [String] = []
            while let newline = buffer.firstIndex(of: 0x0A) {
                found.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
                buffer.removeSubrange(buffer.startIndex...newline)
            }
            return found
        }
        for line in complete { emit(line) }
    }

    /// Emits a last line that had no newline.
    func finish() {
        let rest = pending.withLock { buffer in
            defer { buffer.removeAll() }
            return buffer
        }
        if !rest.isEmpty { emit(String(decoding: rest, as: UTF8.self)) }
    }
}
