#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A plain TCP connection to a loopback port, for tests that must misbehave the way no HTTP
/// library lets them: idle sockets, a request head sent a byte at a time, a megabyte of headers,
/// a TLS hello on a plain-HTTP port, a hand-written WebSocket upgrade.
///
/// One task uses it at a time; the descriptor is closed on deinit.
public final class RawConnection: @unchecked Sendable {  // a descriptor owned by one test task
    public let descriptor: Int32

    /// Connects to `127.0.0.1:port`. With `waitForConnect: false` the connect is left in progress,
    /// which lets a test open a thousand sockets without waiting for the server to accept each.
    public init(port: Int, waitForConnect: Bool = true) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket() failed: errno \(errno)") }
        if !waitForConnect { _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0, !(errno == EINPROGRESS && !waitForConnect) {
            let code = errno
            close(descriptor)
            throw TestFailure("connect to 127.0.0.1:\(port) failed: errno \(code)")
        }
    }

    deinit { close(descriptor) }

    /// Sends every byte; false when the peer has closed the connection (or the send would block).
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    @discardableResult
    public func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Waits before polling the socket again. Never a blocking `poll` with a timeout: that would hold
    /// one of the cooperative pool's threads (two on the project machine) for every connection that
    /// waits, and a flood test holds hundreds.
    private static func pause() async {
        try? await Task.sleep(for: .milliseconds(10))
    }

    /// Reads until the peer closes or `timeout` passes. `closed` is true when the peer closed
    /// (end of file or reset) within the time.
    public func readUntilClosed(timeout: Duration) async -> (bytes: [UInt8], closed: Bool) {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while clock.now < deadline {
            var pollDescriptor = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pollDescriptor, 1, 0)
            if ready > 0 {
                let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                if count > 0 {
                    received += buffer[..<count]
                    continue
                }
                // End of file, a reset, or a connect the server refused (the listener closed first).
                if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) { return (received, true) }
            }
            await Self.pause()
        }
        return (received, false)
    }

    /// Reads until a response head is complete (a blank line), the peer closes, or `timeout` passes.
    public func readHead(timeout: Duration) async -> String {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var received: [UInt8] = []
        var byte: UInt8 = 0
        while clock.now < deadline {
            var pollDescriptor = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            if poll(&pollDescriptor, 1, 0) > 0 {
                guard recv(descriptor, &byte, 1, 0) == 1 else { break }
                received.append(byte)
                if received.suffix(4) == [13, 10, 13, 10] { break }
            } else {
                await Self.pause()
            }
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// Slowloris: starts a request head and sends one more header line every `interval`, never
    /// ending it. Returns how long the server took to close the connection, or nil when it was still
    /// open after `lines` lines.
    public func trickleHeaderLines(every interval: Duration, atMost lines: Int) async -> Duration? {
        let started = ContinuousClock.now
        send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        for line in 0..<lines {
            if !send("X-Slow-\(line): a\r\n") { return ContinuousClock.now - started }
            if await readUntilClosed(timeout: interval).closed { return ContinuousClock.now - started }
        }
        return nil
    }

    /// Sends a request and reads the answer of a server that closes after it (`Connection: close`).
    public func exchange(_ request: String, timeout: Duration = .seconds(10)) async -> String {
        send(request)
        return String(decoding: await readUntilClosed(timeout: timeout).bytes, as: UTF8.self)
    }

    /// The status code on the first line of an HTTP response, if there is one.
    public static func status(of response: String) -> Int? {
        let parts = response.prefix(while: { $0 != "\r" }).split(separator: " ")
        return parts.count >= 2 ? Int(parts[1]) : nil
    }
}
