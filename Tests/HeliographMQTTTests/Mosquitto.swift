import Foundation
import HeliographTesting
import Synchronization

/// A real mosquitto broker on 127.0.0.1 with a generated configuration, for one test.
final class Mosquitto: Sendable {
    struct Options: Sendable {
        var tls: TestCertificates?
        /// User → password; empty allows anonymous clients.
        var users: [String: String] = [:]
        /// Keep sessions and queued messages across a restart (saved on SIGTERM).
        var persistence = false
    }

    static let executable = findExecutable("mosquitto")
    static let passwordTool = findExecutable("mosquitto_passwd")
    /// Tests needing mosquitto run when it is installed, and always under CI (where they fail loudly if it is not).
    static let isUsable = executable != nil || isCI

    let port: Int
    let directory: URL
    private let configFile: URL
    private let process: Mutex<ChildProcess?>

    private init(port: Int, directory: URL, configFile: URL) {
        self.port = port
        self.directory = directory
        self.configFile = configFile
        self.process = Mutex(nil)
    }

    /// Writes the configuration and starts the broker on a free port, returning once it accepts connections.
    static func start(_ options: Options = Options()) async throws -> Mosquitto {
        guard executable != nil else {
            throw TestFailure("mosquitto is not installed; run scripts/test-deps.d/mqtt.sh (apt-get install mosquitto)")
        }
        let directory = try makeTemporaryDirectory("mosquitto")
        let port = try freePort()
        var lines = [
            "listener \(port) 127.0.0.1",
            "user root",
            "log_dest file \(directory.path)/mosquitto.log",
            "log_type error", "log_type warning", "log_type notice", "log_type information",
            "max_queued_messages 0",
            "persistence \(options.persistence)",
            "persistence_location \(directory.path)/",
        ]
        if options.users.isEmpty {
            lines.append("allow_anonymous true")
        } else {
            guard let passwordTool else { throw TestFailure("mosquitto_passwd is not installed") }
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
        try await broker.launch()
        return broker
    }

    /// Starts the process and waits until the port accepts TCP connections.
    func launch() async throws {
        guard let executable = Self.executable else { throw TestFailure("mosquitto is not installed") }
        let process = try ChildProcess(executable, ["-c", configFile.path])
        self.process.withLock { $0 = process }
        let port = self.port
        try await eventually(timeout: .seconds(10), "mosquitto listens on \(port)") {
            guard process.isRunning else {
                let log = (try? String(contentsOf: self.directory.appendingPathComponent("mosquitto.log"), encoding: .utf8)) ?? ""
                throw TestFailure("mosquitto exited: \(process.combinedOutput) \(log)")
            }
            return accepts(port: port)
        }
    }

    /// Stops the broker (SIGTERM saves persistence) and waits for it to exit.
    func stop() async throws {
        let process = self.process.withLock { process in
            defer { process = nil }
            return process
        }
        try await process?.stop()
    }

    /// Starts a broker that is stopped and removed when the test ends.
    static func start(_ options: Options = Options(), in resources: TestResources) async throws -> Mosquitto {
        let broker = try await start(options)
        resources.onCleanup { await broker.shutdown() }
        return broker
    }

    /// Stops and removes the broker's directory.
    func shutdown() async {
        try? await stop()
        try? FileManager.default.removeItem(at: directory)
    }

    var log: String { (try? String(contentsOf: directory.appendingPathComponent("mosquitto.log"), encoding: .utf8)) ?? "" }
}

/// Runs a tool to the end, throwing with its output when it fails.
func runToSuccess(_ executable: String, _ arguments: [String]) async throws {
    let result = try await ChildProcess.run(executable, arguments, timeout: .seconds(30))
    guard result.status == 0 else {
        throw TestFailure("\(executable) \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.output)")
    }
}

/// A CA and a server certificate for 127.0.0.1, generated with openssl into a temporary directory.
struct TestCertificates: Sendable {
    let directory: URL
    var caFile: String { directory.appendingPathComponent("ca.crt").path }
    var serverCertificateFile: String { directory.appendingPathComponent("server.crt").path }
    var serverKeyFile: String { directory.appendingPathComponent("server.key").path }

    static func generate() async throws -> TestCertificates {
        guard let openssl = findExecutable("openssl") else { throw TestFailure("openssl is not installed") }
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
