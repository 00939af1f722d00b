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
    /// The shell that runs the server and reads `stop`/`start` lines on its stdin; nil for the server
    /// scripts/test.sh started (`HELIOGRAPH_TEST_POSTGRES`), which is not ours to stop.
    private let controller: ChildProcess?

    /// Tests needing PostgreSQL run when it is installed, and always under CI (failing loudly if not).
    public static var isUsable: Bool { binaryDirectory() != nil || isCI }

    /// One server for the whole test process: the one scripts/test.sh started when
    /// `HELIOGRAPH_TEST_POSTGRES` names it, else one started on first use (a cluster takes seconds to make).
    /// Shared: a test keeps to a schema or database of its own and never stops it.
    public static func shared() async throws -> PostgresServer {
        try await SharedServer.instance.value
    }

    /// `HELIOGRAPH_TEST_POSTGRES=postgres://heliograph:PASSWORD@127.0.0.1:PORT/heliograph`, as scripts/test.sh sets it.
    static func outside() throws -> PostgresServer? {
        guard let text = ProcessInfo.processInfo.environment["HELIOGRAPH_TEST_POSTGRES"], !text.isEmpty else { return nil }
        guard let url = URLComponents(string: text), url.scheme == "postgres", url.host == "127.0.0.1", url.user == "heliograph",
            url.path == "/heliograph", let port = url.port, let password = url.password, let binaries = binaryDirectory()
        else {
            throw TestFailure("HELIOGRAPH_TEST_POSTGRES must be postgres://heliograph:PASSWORD@127.0.0.1:PORT/heliograph (loopback only, psql installed); got '\(text)'")
        }
        return PostgresServer(port: port, password: password, directory: try makeTemporaryDirectory("heliograph-pg-client"), binaries: binaries, controller: nil)
    }

    private init(port: Int, password: String, directory: URL, binaries: URL, controller: ChildProcess?) {
        self.port = port
        self.password = password
        self.directory = directory
        self.binaries = binaries
        self.controller = controller
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
        let initdb = try await ChildProcess.run(
            account == nil ? "\(binaries.path)/initdb" : "/usr/bin/setpriv",
            setpriv(account) + (account == nil ? [] : ["\(binaries.path)/initdb"])
                + ["-D", data.path, "-U", "heliograph", "--auth=scram-sha-256", "--pwfile=\(passwordFile.path)", "-E", "UTF8", "--no-locale", "--no-sync"],
            directory: directory
        )
        guard initdb.status == 0, FileManager.default.fileExists(atPath: data.appendingPathComponent("PG_VERSION").path) else {
            throw TestFailure("initdb failed (\(initdb.status)): \(initdb.output)")
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
        // When the test process ends, for whatever reason, the controller's stdin reaches end of file
        // and it stops the server and deletes the cluster.
        let controller = try ChildProcess(
            account == nil ? "/bin/sh" : "/usr/bin/setpriv",
            setpriv(account) + (account == nil ? [] : ["/bin/sh"]) + ["-c", script, "controller", binaries.path, data.path, "\(port)"],
            directory: directory,
            input: .pipe
        )
        let server = PostgresServer(port: port, password: password, directory: directory, binaries: binaries, controller: controller)
        try await server.waitUntilReady()
        let created = try await server.psql("CREATE DATABASE \(server.database)", database: "postgres")
        guard created.status == 0 else { throw TestFailure("CREATE DATABASE failed: \(created.output)") }
        return server
    }

    /// Stops the server (a fast shutdown, as a crash or an administrator would) and waits until it is down.
    public func stop() async throws {
        guard let controller else { throw TestFailure("the PostgreSQL server scripts/test.sh started is not ours to stop; start one") }
        let stopsBefore = stops
        try controller.write("stop\n")
        let port = self.port
        try await eventually(timeout: .seconds(30), "PostgreSQL on port \(port) stops") {
            self.stops > stopsBefore && !accepts(port: port)
        }
    }

    /// How often the controller reported a completed stop.
    private var stops: Int { (controller?.stdout.components(separatedBy: "stopped\n").count ?? 1) - 1 }

    /// Starts the server again on the same port and data, returning once it accepts connections.
    public func restart() async throws {
        guard let controller else { throw TestFailure("the PostgreSQL server scripts/test.sh started is not ours to restart; start one") }
        try controller.write("start\n")
        try await waitUntilReady()
    }

    /// Stops the server and deletes the cluster.
    public func shutdown() async {
        controller?.closeInput()
        _ = try? await controller?.exitStatus(timeout: .seconds(60))
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs one SQL command through psql as `heliograph`; status 0 and the rows (unaligned, tuples
    /// only) when it succeeded, psql's exit status and message when it did not.
    public func psql(_ sql: String, database: String? = nil) async throws -> (status: Int32, output: String) {
        let result = try await ChildProcess.run(
            "\(binaries.path)/psql",
            ["-h", host, "-p", "\(port)", "-U", username, "-d", database ?? self.database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql],
            environment: ["PGPASSWORD": password, "PGCONNECT_TIMEOUT": "5"],
            directory: directory
        )
        return result.status == 0 ? (0, result.stdout) : (result.status, result.stderr)
    }

    private func waitUntilReady() async throws {
        try await eventually(timeout: .seconds(60), "PostgreSQL on port \(port) accepts connections") {
            if let controller = self.controller, !controller.isRunning {
                throw TestFailure("PostgreSQL controller exited: \(controller.combinedOutput)")
            }
            guard accepts(port: self.port) else { return false }
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

    /// The arguments that make `/usr/bin/setpriv` run the rest of its command line as `account`
    /// (setpriv execs, so signals reach the program itself); `account` nil runs it as ourselves.
    private static func setpriv(_ account: (uid: uid_t, gid: gid_t)?) -> [String] {
        guard let account else { return [] }
        return ["--reuid=\(account.uid)", "--regid=\(account.gid)", "--clear-groups", "--"]
    }
}

/// The process-wide server behind `PostgresServer.shared()`; one we started is stopped by its controller when the process exits.
private enum SharedServer {
    static let instance = Task {
        if let outside = try PostgresServer.outside() { return outside }
        return try await PostgresServer.start()
    }
}
