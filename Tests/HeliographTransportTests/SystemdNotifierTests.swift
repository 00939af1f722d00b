import Foundation
import HeliographTesting
import HeliographTransport
import Logging
import Testing

@Suite("systemd notifications", .serialized)
struct SystemdNotifierTests {
    let logger = Logger(label: "heliograph.tests.notify") { _ in SwiftLogNoOpLogHandler() }

    @Test("watchdog only for our pid and with a socket")
    func watchdogSettings() {
        #expect(SystemdNotifier(environment: [:], logger: logger).socketPath == nil)
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "1000000"], logger: logger).watchdogInterval == nil, "no socket, no watchdog")
        let ours = SystemdNotifier(environment: ["NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "\(getpid())"], logger: logger)
        #expect(ours.watchdogInterval == .seconds(30))
        let inherited = SystemdNotifier(environment: ["NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"], logger: logger)
        #expect(inherited.watchdogInterval == nil)
    }

    @Test("sends to a path socket and to an abstract one")
    func sendsDatagrams() async throws {
        let directory = try makeTemporaryDirectory("notify")
        defer { try? FileManager.default.removeItem(at: directory) }
        for path in [directory.path + "/notify", "@heliograph-test-\(UUID().uuidString.prefix(8))"] {
            let socket = try NotifySocket(path: path)
            SystemdNotifier(environment: ["NOTIFY_SOCKET": path], logger: logger).notify("STATUS=hello")
            try await eventually(timeout: .seconds(5), "message arrives on \(path)") { socket.messages == ["STATUS=hello"] }
        }
    }
}
