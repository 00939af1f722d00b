#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// A real PostgreSQL server of its own, for tests: a fresh cluster made with `initdb` in a temporary
/// directory, listening on 127.0.0.1 on a free port, with password (SCRAM) login for `heliograph`.
///
/// PostgreSQL refuses to run as root, so when the tests run as root (CI) the server runs as the
/// `postgres` user the Debian package creates (or `nobody`) through `setpriv`. It is driven by a
/// small shell controller that reads `stop`/`start` lines on stdin, so a test can take the database
/// away and bring it back; when the test process ends, for whatever reason, stdin closes and the
/// controller stops the server and deletes the cluster.
public final class PostgresServer: Sendable {
    public let host = "127.0.0.1"
    public let port: Int
    public let username = "heliograph"
    public let password: String
    /// The database `start` creates.
    public let database = "heliograph"
    public let directory: URL
    private let binaries: URL
    private let controller: Process
    private let commands: FileHandle
    private let output: CollectedOutput
    private let stdoutReader: PipeReader

    /// Tests needing PostgreSQL run when it is installed, and always under CI (failing loudly if not).
    public static var isUsable: Bool { binaryDirectory() != nil || ProcessInfo.processInfo.environment["CI"] == "true" }

    /// One server for the whole test process, started on first use (a cluster takes seconds to make).
    public static func shared() async throws -> PostgresServer {
        try await SharedServer.instance.value
    }

    private init(port: Int, password: String, directory: URL, binaries: URL, controller: Process, commands: FileHandle, output: CollectedOutput, reader: PipeReader) {
        self.port = port
        self.password = password
        self.directory = directory
        self.binaries = binaries
        self.controller = controller
        self.commands = commands
        self.output = output
        self.stdoutReader = reader
    }

    /// `postgres://heliograph:…@127.0.0.1:port/database`.
    public func url(database: String? = nil) -> String {
        "postgres://\(username):\(password)@\(host):\(port)/\(database ?? self.database)?sslmode=disable"
    }

    /// Makes a cluster, starts the server, waits until it accepts connections and creates `database`.
    public static func start() async throws -> PostgresServer {
        guard let binaries = binaryDirectory() else {
            throw TestFailure("PostgreSQL is not installed; run scripts/test-deps.d/postgres.sh (apt-get install postgresql)")
        }
        let directory = try makeTemporaryDirectory("heliograph-pg")
        let data = directory.appendingPathComponent("data")
        let password = "pw-\(UUID().uuidString.prefix(8))"
        let passwordFile = directory.appendingPathComponent("password")
        try password.write(to: passwordFile, atomically: true, encoding: .utf8)
        let account = serverAccount()
        if let account {
            for path in [directory.path, passwordFile.path] {
                guard chown(path, account.uid, account.gid) == 0 else { throw TestFailure("chown \(path) to the postgres user failed: errno \(errno)") }
            }
        }
        let initdb = try await runTool(
            binaries.appendingPathComponent("initdb").path,
            ["-D", data.path, "-U", "heliograph", "--auth=scram-sha-256", "--pwfile=\(passwordFile.path)", "-E", "UTF8", "--no-locale", "--no-sync"],
            as: account,
            in: directory
        )
        guard FileManager.default.fileExists(atPath: data.appendingPathComponent("PG_VERSION").path), initdb.stdout.contains("Success") else {
            throw TestFailure("initdb failed: \(initdb.stdout) \(initdb.stderr)")
        }

        let port = try freePort()
        let script = """
            bin=$1; data=$2; port=$3; pid=
            start() {
                "$bin/postgres" -D "$data" -p "$port" -h 127.0.0.1 -c unix_socket_directories= -c fsync=off \\
                    -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c log_min_messages=warning &
                pid=$!
            }
            stop() {
                if [ -n "$pid" ]; then kill -INT "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=; fi
                echo stopped
            }
            start
            while read -r command; do
                case "$command" in
                    stop) stop ;;
                    start) start; echo started ;;
                esac
            done
            stop
            rm -rf "$data" "${data%/*}"
            """
        // The test process blocks signals in its threads and passes every descriptor without
        // close-on-exec to its children. A python3 shim clears the mask (or `wait` never sees the
        // server exit) and closes inherited descriptors (or the server would hold other tests' pipes
        // open) before it becomes the controller.
        guard let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestFailure("python3 is needed to start PostgreSQL for tests")
        }
        let shim = "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); signal.signal(signal.SIGPIPE, signal.SIG_DFL); os.closerange(3, 65536); os.execv(sys.argv[1], sys.argv[1:])"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", shim, "/bin/sh", "-c", script, "controller", binaries.path, data.path, "\(port)"]
        wrap(process, as: account)
        process.currentDirectoryURL = directory
        let stdin = try ChildPipe()
        process.standardInput = stdin.reading
        let output = CollectedOutput()
        let readers = try launch(process, stdout: output.append, stderr: output.append)
        try stdin.reading.close()
        let server = PostgresServer(
            port: port, password: password, directory: directory, binaries: binaries, controller: process, commands: stdin.writing, output: output,
            reader: readers.stdout
        )
        try await server.waitUntilReady()
        let created = try await server.psql("CREATE DATABASE \(server.database)", database: "postgres")
        guard created.status == 0 else { throw TestFailure("CREATE DATABASE failed: \(created.output)") }
        return server
    }

    /// Stops the server (a fast shutdown, as a crash or an administrator would) and waits until it is down.
    public func stop() async throws {
        let stopsBefore = stops
        try commands.write(contentsOf: Data("stop\n".utf8))
        let port = self.port
        try await eventually(timeout: .seconds(30), "PostgreSQL on port \(port) stops") {
            self.stops > stopsBefore && !Self.accepts(port: port)
        }
    }

    /// How often the controller reported a completed stop.
    private var stops: Int { output.text.components(separatedBy: "stopped\n").count - 1 }

    /// Starts the server again on the same port and data, returning once it accepts connections.
    public func restart() async throws {
        try commands.write(contentsOf: Data("start\n".utf8))
        try await waitUntilReady()
    }

    /// Stops the server and deletes the cluster.
    public func shutdown() async {
        try? commands.close()
        await stdoutReader.finished()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs one SQL command through psql as `heliograph`; status 0 and the rows (unaligned, tuples
    /// only) when it succeeded, 1 and psql's message when it did not.
    public func psql(_ sql: String, database: String? = nil) async throws -> (status: Int32, output: String) {
        let result = try await Self.runTool(
            binaries.appendingPathComponent("psql").path,
            ["-h", host, "-p", "\(port)", "-U", username, "-d", database ?? self.database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql],
            as: nil,
            in: directory,
            environment: ["PGPASSWORD": password, "PGCONNECT_TIMEOUT": "5"]
        )
        let failed = ["ERROR:", "FATAL:", "psql: error", "could not connect"].contains { result.stderr.contains($0) }
        return failed ? (1, result.stderr) : (0, result.stdout)
    }

    private func waitUntilReady() async throws {
        try await eventually(timeout: .seconds(60), "PostgreSQL on port \(port) accepts connections") {
            guard self.controller.isRunning else { throw TestFailure("PostgreSQL controller exited: \(self.output.text)") }
            guard Self.accepts(port: self.port) else { return false }
            let probe = try await self.psql("SELECT 'ready'", database: "postgres")
            return probe.status == 0 && probe.output.contains("ready")
        }
    }

    // MARK: Helpers

    /// The directory holding initdb, postgres, psql and pg_isready: `HELIOGRAPH_PG_BIN`, else the newest
    /// Debian `/usr/lib/postgresql/<version>/bin`, else the directory of `initdb` on the PATH.
    static func binaryDirectory() -> URL? {
        let manager = FileManager.default
        if let override = ProcessInfo.processInfo.environment["HELIOGRAPH_PG_BIN"] { return URL(fileURLWithPath: override) }
        let versions = ((try? manager.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).compactMap(Int.init).sorted()
        for version in versions.reversed() {
            let bin = URL(fileURLWithPath: "/usr/lib/postgresql/\(version)/bin")
            if manager.isExecutableFile(atPath: bin.appendingPathComponent("initdb").path) { return bin }
        }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory))
            if manager.isExecutableFile(atPath: candidate.appendingPathComponent("initdb").path) { return candidate }
        }
        return nil
    }

    /// The account the server runs as: none (ourselves) unless we are root, which PostgreSQL refuses.
    private static func serverAccount() -> (uid: uid_t, gid: gid_t)? {
        guard geteuid() == 0 else { return nil }
        for name in ["postgres", "nobody"] {
            if let entry = getpwnam(name) { return (entry.pointee.pw_uid, entry.pointee.pw_gid) }
        }
        return nil
    }

    /// Makes `process` run as `account` through setpriv (which execs, so signals reach the program itself).
    private static func wrap(_ process: Process, as account: (uid: uid_t, gid: gid_t)?) {
        guard let account, let executable = process.executableURL else { return }
        process.arguments = ["--reuid=\(account.uid)", "--regid=\(account.gid)", "--clear-groups", "--", executable.path] + (process.arguments ?? [])
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
    }

    /// Runs a tool to the end of its output and returns what it wrote. Exit statuses are not used:
    /// Foundation does not reliably notice a child's exit inside a test process that blocks signals,
    /// and reaping children behind its back breaks its tracking of every other child; the callers
    /// judge success by the output.
    private static func runTool(
        _ path: String,
        _ arguments: [String],
        as account: (uid: uid_t, gid: gid_t)?,
        in directory: URL,
        environment: [String: String] = [:]
    ) async throws -> (stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        wrap(process, as: account)
        let stdout = CollectedOutput()
        let stderr = CollectedOutput()
        let readers = try launch(process, stdout: stdout.append, stderr: stderr.append)
        await readers.stdout.finished()
        await readers.stderr.finished()
        return (stdout.text, stderr.text)
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    public static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket failed: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw TestFailure("bind failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// True when a TCP connection to 127.0.0.1:`port` is accepted.
    public static func accepts(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

/// Text a child process wrote, collected from its reader threads.
final class CollectedOutput: Sendable {
    private let collected = Mutex("")

    var text: String { collected.withLock { $0 } }

    @Sendable func append(_ data: Data) {
        collected.withLock { $0 += String(decoding: data, as: UTF8.self) }
    }
}

/// The process-wide server behind `PostgresServer.shared()`; stopped by its controller when the process exits.
private enum SharedServer {
    static let instance = Task { try await PostgresServer.start() }
}
