#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// A real mosquitto broker on 127.0.0.1 with a generated configuration: the one launcher for the
/// MQTT and fleet tests and for `heliograph bench soak`. It runs as a `ChildProcess` (posix_spawn,
/// its own process group, closed descriptors), never as a Foundation `Process`.
///
/// Tests that configure the broker (TLS, users, persistence) or stop it start their own with
/// `start(_:under:)`; the one broker a whole test process shares (`Mosquitto.shared()`) is a test
/// helper and lives in HeliographTesting, so the shipped binary knows nothing of the test servers.
public final class Mosquitto: Sendable {
    public struct Options: Sendable {
        public var tls: TestCertificates?
        /// User → password; empty allows anonymous clients.
        public var users: [String: String]
        /// Keep sessions and queued messages across a restart (saved on SIGTERM).
        public var persistence: Bool
        /// Messages queued per client beyond those in flight; 0 is no limit.
        public var maximumQueuedMessages: Int

        public init(tls: TestCertificates? = nil, users: [String: String] = [:], persistence: Bool = false, maximumQueuedMessages: Int = 0) {
            self.tls = tls
            self.users = users
            self.persistence = persistence
            self.maximumQueuedMessages = maximumQueuedMessages
        }
    }

    public static let executable = findExecutable("mosquitto")
    static let passwordTool = findExecutable("mosquitto_passwd")

    public let port: Int
    /// Holds the configuration and log; nil for the broker scripts/test.sh started.
    public let directory: URL?
    private let configFile: URL?
    private let process: Mutex<ChildProcess?>

    /// A broker on `port`; `directory` and `configFile` are nil for one started by someone else
    /// (scripts/test.sh), which `launch()` then refuses to start.
    package init(port: Int, directory: URL?, configFile: URL?) {
        self.port = port
        self.directory = directory
        self.configFile = configFile
        self.process = Mutex(nil)
    }

    /// Writes the configuration and starts a broker of the caller's own on a free port (its files in
    /// a new directory under `parent`, or a temporary one), returning once it accepts connections.
    public static func start(_ options: Options = Options(), under parent: URL? = nil) async throws -> Mosquitto {
        try await start(options, under: parent, supervised: false)
    }

    /// - Parameter supervised: run it under a shell that kills it when our end of its stdin closes, so
    ///   a broker nobody stops (the shared one) ends with the test process, however that ends.
    package static func start(_ options: Options = Options(), under parent: URL? = nil, supervised: Bool) async throws -> Mosquitto {
        guard executable != nil else {
            throw ProcessFailure("mosquitto is not installed; run scripts/test-deps.d/mqtt.sh (apt-get install mosquitto)")
        }
        let directory: URL
        if let parent {
            directory = parent.appendingPathComponent("mosquitto-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } else {
            directory = try makeTemporaryDirectory("mosquitto")
        }
        let port = try freePort()
        var lines = [
            "listener \(port) 127.0.0.1",
            "log_dest file \(directory.path)/mosquitto.log",
            "log_type error", "log_type warning", "log_type notice", "log_type information",
            "max_queued_messages \(options.maximumQueuedMessages)",
            "persistence \(options.persistence)",
            "persistence_location \(directory.path)/",
        ]
        // As root mosquitto would switch to the user "mosquitto", which may not reach the directory.
        if getuid() == 0 { lines.append("user root") }
        if options.users.isEmpty {
            lines.append("allow_anonymous true")
        } else {
            guard let passwordTool else { throw ProcessFailure("mosquitto_passwd is not installed") }
            let passwordFile = directory.appendingPathComponent("passwords")
            for (index, (user, password)) in options.users.sorted(by: { $0.key < $1.key }).enumerated() {
                try await runToSuccess(passwordTool, (index == 0 ? ["-c"] : []) + ["-b", passwordFile.path, user, password])
            }
            lines += ["allow_anonymous false", "password_file \(passwordFile.path)"]
        }
        if let tls = options.tls {
            lines += ["cafile \(tls.caFile)", "certfile \(tls.serverCertificateFile)", "keyfile \(tls.serverKeyFile)"]
        }
        let configFile = directory.appendingPathComponent("mosquitto.conf")
        try (lines.joined(separator: "\n") + "\n").write(to: configFile, atomically: true, encoding: .utf8)
        let broker = Mosquitto(port: port, directory: directory, configFile: configFile)
        try await broker.launch(supervised: supervised)
        return broker
    }

    /// Starts the process and waits until the port accepts TCP connections.
    public func launch() async throws {
        try await launch(supervised: false)
    }

    private func launch(supervised: Bool) async throws {
        guard let executable = Self.executable, let configFile else { throw ProcessFailure("mosquitto is not installed, or this broker is not ours to start") }
        let process =
            supervised
            ? try ChildProcess("/bin/sh", ["-c", "\"$0\" -c \"$1\" & pid=$!; cat >/dev/null; kill $pid; wait $pid", executable, configFile.path], input: .pipe)
            : try ChildProcess(executable, ["-c", configFile.path])
        self.process.withLock { $0 = process }
        let port = self.port
        try await eventually(timeout: .seconds(10), "mosquitto listens on \(port)") {
            guard process.isRunning else {
                throw ProcessFailure("mosquitto exited: \(process.combinedOutput) \(self.log)")
            }
            return accepts(port: port)
        }
    }

    /// Stops the broker (SIGTERM saves persistence) and waits for it to exit.
    public func stop() async throws {
        let process = self.process.withLock { process in
            defer { process = nil }
            return process
        }
        try await process?.stop()
    }

    /// Kills the broker at once and removes its directory: for a `defer`, when it keeps nothing worth saving
    /// (SIGKILL, so a signal the test process blocks, and the broker inherits, cannot keep it running).
    public func kill() {
        process.withLock { process in
            process?.signal(SIGKILL)
            process = nil
        }
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    /// Stops and removes the broker's directory.
    public func shutdown() async {
        try? await stop()
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    public var log: String {
        guard let directory else { return "" }
        return (try? String(contentsOf: directory.appendingPathComponent("mosquitto.log"), encoding: .utf8)) ?? ""
    }
}

/// Runs a tool to the end, throwing with its output when it fails.
public func runToSuccess(_ executable: String, _ arguments: [String]) async throws {
    let result = try await ChildProcess.run(executable, arguments, timeout: .seconds(30))
    guard result.status == 0 else {
        throw ProcessFailure("\(executable) \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.output)")
    }
}

/// A CA and a server certificate for 127.0.0.1, generated with openssl into a temporary directory.
public struct TestCertificates: Sendable {
    public let directory: URL
    public var caFile: String { directory.appendingPathComponent("ca.crt").path }
    public var serverCertificateFile: String { directory.appendingPathComponent("server.crt").path }
    public var serverKeyFile: String { directory.appendingPathComponent("server.key").path }

    public static func generate() async throws -> TestCertificates {
        guard let openssl = findExecutable("openssl") else { throw ProcessFailure("openssl is not installed") }
        let directory = try makeTemporaryDirectory("mqtt-tls")
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try await runToSuccess(openssl, ["req", "-x509"] + ec + ["-keyout", path("ca.key"), "-out", path("ca.crt"), "-days", "2", "-subj", "/CN=Heliograph Test CA"])
        try await runToSuccess(openssl, ["req"] + ec + ["-keyout", path("server.key"), "-out", path("server.csr"), "-subj", "/CN=127.0.0.1"])
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
            .write(toFile: path("server.ext"), atomically: true, encoding: .utf8)
        try await runToSuccess(openssl, [
            "x509", "-req", "-in", path("server.csr"), "-CA", path("ca.crt"), "-CAkey", path("ca.key"), "-CAcreateserial",
            "-out", path("server.crt"), "-days", "2", "-extfile", path("server.ext"),
        ])
        return TestCertificates(directory: directory)
    }
}
