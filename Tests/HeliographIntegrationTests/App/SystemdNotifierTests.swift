import Foundation
import HeliographTesting
import HeliographTransport
import Logging
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A receiving end of the sd_notify protocol, like systemd's: an AF_UNIX datagram socket.
final class NotifySocket: Sendable {
    let descriptor: Int32
    let path: String
    private let received = Mutex<[String]>([])

    /// `name` starting with `@` binds in the abstract namespace.
    init(path: String) throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket: \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (bytes.first == 0 ? 0 : 1))
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        guard bound == 0 else { throw TestFailure("bind \(path): \(String(cString: strerror(errno)))") }
    }

    /// Every message so far (reads what is waiting without blocking).
    var messages: [String] {
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            let message = String(decoding: buffer[0..<count], as: UTF8.self)
            received.withLock { $0.append(message) }
        }
        return received.withLock { $0 }
    }

    deinit {
        close(descriptor)
        if !path.hasPrefix("@") { unlink(path) }
    }
}

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
