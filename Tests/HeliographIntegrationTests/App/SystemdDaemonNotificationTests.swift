import Foundation
import HeliographTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The notifier's own tests are in HeliographTransportTests; this one runs the daemon.
@Suite("systemd notifications from the daemon", .serialized)
struct SystemdDaemonNotificationTests {
    @Test("the daemon says READY, pings the watchdog, and says STOPPING on SIGTERM")
    func daemonLifecycle() async throws {
        let directory = try makeTemporaryDirectory("notify")
        defer { try? FileManager.default.removeItem(at: directory) }
        let socket = try NotifySocket(path: directory.path + "/notify")
        let config = directory.appendingPathComponent("heliograph.yaml")
        try "storage:\n  path: \(directory.path)/history.sqlite\nhttp:\n  host: 127.0.0.1\n  port: 0\n".write(to: config, atomically: true, encoding: .utf8)
        let daemon = try HeliographProcess(["run", "--config", config.path], environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "300000"])
        try await eventually(timeout: .seconds(60), "READY=1") { socket.messages.first?.hasPrefix("READY=1") == true }
        try await eventually(timeout: .seconds(10), "watchdog pings") { socket.messages.filter { $0 == "WATCHDOG=1" }.count >= 3 }
        daemon.signal(SIGTERM)
        #expect(try await daemon.exitStatus() == 0, "\(daemon.stderr)")
        #expect(socket.messages.last?.hasPrefix("STOPPING=1") == true, "\(socket.messages)")
    }
}
