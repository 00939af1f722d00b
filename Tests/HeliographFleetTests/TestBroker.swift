import Foundation
import HeliographTesting

/// A real mosquitto broker on 127.0.0.1 and a free port, for the fleet tests.
final class TestBroker: Sendable {
    static let executable = findExecutable("mosquitto")
    static var isUsable: Bool { executable != nil || isCI }

    let port: Int
    let directory: URL
    private let process: ChildProcess

    private init(port: Int, directory: URL, process: ChildProcess) {
        self.port = port
        self.directory = directory
        self.process = process
    }

    static func start() async throws -> TestBroker {
        guard let executable else { throw TestFailure("mosquitto is not installed; run scripts/test-deps.d/mqtt.sh") }
        let directory = try makeTemporaryDirectory("fleet-broker")
        let port = try freePort()
        let config = directory.appendingPathComponent("mosquitto.conf")
        try "listener \(port) 127.0.0.1\nallow_anonymous true\nuser root\nmax_queued_messages 0\npersistence false\n".write(to: config, atomically: true, encoding: .utf8)
        let process = try ChildProcess(executable, ["-c", config.path])
        try await eventually(timeout: .seconds(10), "mosquitto listens on \(port)") {
            guard process.isRunning else { throw TestFailure("mosquitto exited: \(process.combinedOutput)") }
            return accepts(port: port)
        }
        return TestBroker(port: port, directory: directory, process: process)
    }

    /// Kills the broker (it keeps nothing worth saving) and removes its directory.
    func shutdown() {
        process.signal(SIGKILL)
        try? FileManager.default.removeItem(at: directory)
    }
}
