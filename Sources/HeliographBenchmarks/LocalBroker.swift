import Foundation
import HeliographCore
import NIOCore
import NIOPosix

/// A mosquitto broker of the benchmark's own on 127.0.0.1 and a free port, when mosquitto is installed.
///
/// It keeps nothing worth saving (no persistence), so it is stopped with SIGKILL: a signal the
/// benchmark's process may block or ignore (and the broker inherit) cannot keep it running.
final class LocalBroker: Sendable {
    /// Where mosquitto usually is; nil when none of them is an executable.
    static let executable = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/local/bin/mosquitto"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    let port: Int
    let directory: URL
    private let process: Process

    private init(port: Int, directory: URL, process: Process) {
        self.port = port
        self.directory = directory
        self.process = process
    }

    /// Starts the broker with its configuration and log in `directory`; returns once it accepts
    /// connections. Tries three ports, in case another process takes a free port first.
    /// - Throws: `HeliographError` `.notFound` when mosquitto is not installed, `.connectionFailed`
    ///   when it does not start (its log is in the message).
    static func start(in directory: URL) async throws -> LocalBroker {
        guard let executable else { throw HeliographError(.notFound, "mosquitto is not installed (apt-get install mosquitto)") }
        var lastLog = ""
        for attempt in 1...3 {
            let port = try await freePort()
            let log = directory.appendingPathComponent("mosquitto-\(attempt).log")
            let config = directory.appendingPathComponent("mosquitto-\(attempt).conf")
            let lines = [
                "listener \(port) 127.0.0.1", "allow_anonymous true", "persistence false",
                "max_queued_messages 10000", "log_dest file \(log.path)", "log_type error", "log_type warning",
            ]
            // As root mosquitto would switch to the user "mosquitto", which may not reach the directory.
            let user = getuid() == 0 ? ["user root"] : []
            try ((lines + user).joined(separator: "\n") + "\n").write(to: config, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["-c", config.path]
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let broker = LocalBroker(port: port, directory: directory, process: process)
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline, process.isRunning {
                if await canConnect(port: port) { return broker }
                try await Task.sleep(for: .milliseconds(50))
            }
            broker.stop()
            lastLog = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        }
        throw HeliographError(.connectionFailed, "mosquitto did not start on 127.0.0.1: \(lastLog.trimmingCharacters(in: .whitespacesAndNewlines))")
    }

    /// Kills the broker. Foundation reaps it; waiting for that can hang in a test process.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
    }

    /// A port on 127.0.0.1 that was free a moment ago.
    private static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0).get()
        defer { channel.close(promise: nil) }
        guard let port = channel.localAddress?.port else { throw HeliographError(.connectionFailed, "no free port on 127.0.0.1") }
        return port
    }

    private static func canConnect(port: Int) async -> Bool {
        guard let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(200))
            .connect(host: "127.0.0.1", port: port).get()
        else { return false }
        try? await channel.close()
        return true
    }
}
