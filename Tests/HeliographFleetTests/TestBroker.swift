import Foundation
import HeliographTesting
import Synchronization

/// A real mosquitto broker on 127.0.0.1 and a free port, for the fleet tests.
final class TestBroker: Sendable {
    static let executable = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var isUsable: Bool { executable != nil || ProcessInfo.processInfo.environment["CI"] == "true" }

    let port: Int
    let directory: URL
    private let process: Process
    private let log = Mutex("")

    private init(port: Int, directory: URL, process: Process) {
        self.port = port
        self.directory = directory
        self.process = process
    }

    static func start() async throws -> TestBroker {
        guard let executable else { throw TestFailure("mosquitto is not installed; run scripts/test-deps.d/mqtt.sh") }
        let directory = try makeTemporaryDirectory("fleet-broker")
        let port = try PostgresServer.freePort()
        let config = directory.appendingPathComponent("mosquitto.conf")
        try "listener \(port) 127.0.0.1\nallow_anonymous true\nuser root\nmax_queued_messages 0\npersistence false\n".write(to: config, atomically: true, encoding: .utf8)
        // Through a python3 shim that clears the signal mask the test process passes on, and closes
        // inherited descriptors (other tests' pipes).
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            "-c",
            "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.closerange(3, 65536); os.execv(sys.argv[1], sys.argv[1:])",
            executable, "-c", config.path,
        ]
        let broker = TestBroker(port: port, directory: directory, process: process)
        _ = try launch(process, stdout: { data in broker.log.withLock { $0 += String(decoding: data, as: UTF8.self) } }, stderr: { data in
            broker.log.withLock { $0 += String(decoding: data, as: UTF8.self) }
        })
        try await eventually(timeout: .seconds(10), "mosquitto listens on \(port)") {
            guard process.isRunning else { throw TestFailure("mosquitto exited: \(broker.log.withLock { $0 })") }
            return PostgresServer.accepts(port: port)
        }
        return broker
    }

    /// Kills the broker (it keeps nothing worth saving) and removes its directory; does not wait for
    /// Foundation to notice the exit, which it does not always do in a test process.
    func shutdown() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }
}
