import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Talks to systemd's service manager (sd_notify protocol): `READY=1` once every service has been
/// started, `WATCHDOG=1` at half the unit's `WatchdogSec` while the daemon is alive, `STOPPING=1`
/// when shutdown begins. Without `NOTIFY_SOCKET` (not under systemd, or `Type=exec`) it does nothing.
///
/// The notification is one datagram on the AF_UNIX socket named by `NOTIFY_SOCKET` (a path, or
/// `@name` for the abstract namespace), as sd_notify(3) describes.
public final class SystemdNotifier: Service, Sendable {
    /// The socket address; nil disables every notification.
    public let socketPath: String?
    /// `WATCHDOG_USEC` when systemd set it for this process; nil means no watchdog pings.
    public let watchdogInterval: Duration?
    private let logger: Logger

    public init(environment: [String: String], processID: Int32 = getpid(), logger: Logger) {
        self.logger = logger
        let path = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        self.socketPath = path
        // WATCHDOG_PID, when set, names the process meant to ping (not a child that inherited the variable).
        let forUs = environment["WATCHDOG_PID"].map { Int32($0) == processID } ?? true
        if path != nil, forUs, let microseconds = environment["WATCHDOG_USEC"].flatMap(Int64.init), microseconds > 0 {
            self.watchdogInterval = .microseconds(microseconds)
        } else {
            self.watchdogInterval = nil
        }
    }

    /// Sends READY=1, pings the watchdog until graceful shutdown, then sends STOPPING=1.
    public func run() async throws {
        guard socketPath != nil else { return await waitForShutdown() }
        notify("READY=1\nSTATUS=Running")
        if let interval = watchdogInterval {
            let period = interval / 2
            logger.debug("systemd watchdog on", metadata: ["watchdog.interval": "\(interval)"])
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                notify("WATCHDOG=1")
                await cancelWhenGracefulShutdown { try? await Task.sleep(for: period) }
            }
        } else {
            await waitForShutdown()
        }
        notify("STOPPING=1\nSTATUS=Stopping")
    }

    private func waitForShutdown() async {
        try? await gracefulShutdown()
    }

    /// Sends one notification; failures are logged, never thrown (systemd may have gone away).
    public func notify(_ message: String) {
        guard let socketPath else { return }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            logger.warning("cannot create the systemd notification socket", metadata: ["error": "\(String(cString: strerror(errno)))"])
            return
        }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        // "@name" is the abstract namespace: a leading NUL byte instead of '@'.
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else {
            logger.warning("NOTIFY_SOCKET path too long", metadata: ["notify.socket": "\(socketPath)"])
            return
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + (pathBytes.first == 0 ? 0 : 1))
        let sent = message.withCString { text in
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(descriptor, text, strlen(text), Int32(MSG_NOSIGNAL), $0, length) }
            }
        }
        if sent < 0 {
            logger.warning("systemd notification failed", metadata: ["notify.socket": "\(socketPath)", "error": "\(String(cString: strerror(errno)))"])
        }
    }
}
