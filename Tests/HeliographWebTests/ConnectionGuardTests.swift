import Foundation
import HeliographCore
import HeliographTesting
import HeliographWeb
import HeliographWebTesting
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

/// Slow, silent, oversized and non-HTTP clients against a live server on loopback, and the
/// connection cap. Timeouts are short here so each case takes about a second; every wait has a deadline.
@Suite struct ConnectionGuardTests {
    static let quick = ConnectionLimits(maxConnections: 64, idleTimeout: .seconds(1), headerTimeout: .seconds(1))
    static let health = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"

    @Test("slowloris (a header line every 200 ms, never finished) is closed after the header timeout")
    func slowlorisIsClosed() async throws {
        let fixture = try await WebFixture(limits: Self.quick)
        try await fixture.server.makeApplication().test(.live) { client in
            let connection = try RawConnection(port: try #require(client.port))
            let closedAfter = await connection.trickleHeaderLines(every: .milliseconds(200), atMost: 50)
            let elapsed = try #require(closedAfter, "still open after 10 s of header lines")
            #expect(elapsed < .seconds(4), "closed after \(elapsed); header timeout is 1 s")
            #expect(fixture.server.connectionStatistics.headerTimeouts >= 1)
        }
    }

    @Test("a connection that sends nothing is closed after the header timeout")
    func silentConnectionIsClosed() async throws {
        let fixture = try await WebFixture(limits: Self.quick)
        try await fixture.server.makeApplication().test(.live) { client in
            let connection = try RawConnection(port: try #require(client.port))
            let result = await connection.readUntilClosed(timeout: .seconds(5))
            #expect(result.closed)
            #expect(result.bytes.isEmpty)
        }
    }

    @Test("a 1 MB request head is answered 431 and closed at once")
    func oversizedHeadIsClosed() async throws {
        let fixture = try await WebFixture(limits: Self.quick)
        try await fixture.server.makeApplication().test(.live) { client in
            let connection = try RawConnection(port: try #require(client.port))
            let started = ContinuousClock.now
            var head = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            for line in 0..<1_024 { head += "X-Padding-\(line): " + String(repeating: "a", count: 1_000) + "\r\n" }
            // The server may close before all of it is sent; that is the point.
            _ = connection.send(head + "\r\n")
            let result = await connection.readUntilClosed(timeout: .seconds(5))
            #expect(result.closed, "still open")
            #expect(ContinuousClock.now - started < .seconds(3))
            let text = String(decoding: result.bytes, as: UTF8.self)
            #expect(text.isEmpty || text.hasPrefix("HTTP/1.1 431"), "\(text.prefix(100))")
            #expect(fixture.server.connectionStatistics.rejected >= 1)
        }
    }

    @Test("a TLS ClientHello on the plain port is closed at once, without an answer")
    func tlsHelloIsClosed() async throws {
        let fixture = try await WebFixture(limits: ConnectionLimits(headerTimeout: .seconds(30)))
        try await fixture.server.makeApplication().test(.live) { client in
            let connection = try RawConnection(port: try #require(client.port))
            // Record header (handshake, TLS 1.0 record version), handshake type 1 (ClientHello), TLS 1.2, random…
            connection.send([0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x00, 0x00, 0xA1, 0x03, 0x03] + [UInt8](repeating: 0x42, count: 32))
            let started = ContinuousClock.now
            let result = await connection.readUntilClosed(timeout: .seconds(5))
            #expect(result.closed)
            #expect(ContinuousClock.now - started < .seconds(2), "closed by the guard, not by the 30 s header timeout")
            #expect(fixture.server.connectionStatistics.rejected == 1)
        }
    }

    @Test("a kept-alive connection is closed after the idle timeout; a normal request is unaffected")
    func idleKeepAliveIsClosed() async throws {
        let fixture = try await WebFixture(limits: Self.quick)
        try await fixture.server.makeApplication().test(.live) { client in
            let connection = try RawConnection(port: try #require(client.port))
            // Timed from the request: on a loaded machine reading the answer can take longer than
            // the idle timeout itself, and the connection may already be closed when it returns.
            let started = ContinuousClock.now
            connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let answer = await connection.readHead(timeout: .seconds(5))
            #expect(RawConnection.status(of: answer) == 200, "\(answer)")
            let result = await connection.readUntilClosed(timeout: .seconds(6))
            #expect(result.closed, "kept-alive connection still open")
            #expect(ContinuousClock.now - started >= .milliseconds(500), "closed too early for a 1 s idle timeout")
        }
    }

    @Test("at the connection cap, idle sockets make room: /health keeps answering fast, the limit is logged once per burst")
    func capEvictsIdleConnections() async throws {
        let logs = RecordedLogs()
        let logger = Logger(label: "heliograph.web") { _ in RecordingLogHandler(logs) }
        let limits = ConnectionLimits(maxConnections: 32, idleTimeout: .seconds(60), headerTimeout: .seconds(60))
        let fixture = try await WebFixture(limits: limits, logger: logger)
        try await fixture.server.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            var idle: [RawConnection] = []
            var slowest = Duration.zero
            // 200 idle sockets against a cap of 32, with a /health request after every 20.
            for round in 0..<10 {
                for _ in 0..<20 { idle.append(try RawConnection(port: port)) }
                let started = ContinuousClock.now
                let answer = await (try RawConnection(port: port)).exchange(Self.health, timeout: .seconds(5))
                slowest = max(slowest, ContinuousClock.now - started)
                #expect(RawConnection.status(of: answer) == 200, "round \(round): \(answer.prefix(80))")
            }
            // Without eviction a new connection waits for the 60 s header timeout; slack for a loaded 2-core CI machine.
            #expect(slowest < .seconds(5), "slowest /health took \(slowest)")
            // A connect returns before the server has accepted the socket, and children are set up on
            // several event loops: wait until the server has seen all 200 (and made room for them).
            try await eventually(timeout: .seconds(30), "all 200 idle sockets admitted") { fixture.server.connectionStatistics.evicted >= 200 - 32 }
            let statistics = fixture.server.connectionStatistics
            #expect(statistics.peak <= 32, "\(statistics)")
            #expect(logs.count("web connection limit reached") == 1, "\(logs.messages)")
            #expect(logs.count("Error handling upgrade result") == 0, "closing an idle socket logs nothing per connection")
            // The burst ends when the idle sockets go; the next burst is logged again.
            idle.removeAll()
            try await eventually(timeout: .seconds(10), "connections drain") { fixture.server.connectionStatistics.open <= 1 }
            #expect(logs.count("web connections back under the limit") == 1, "\(logs.messages)")
            for _ in 0..<40 { idle.append(try RawConnection(port: port)) }
            let answer = await (try RawConnection(port: port)).exchange(Self.health, timeout: .seconds(5))
            #expect(RawConnection.status(of: answer) == 200)
            try await eventually(timeout: .seconds(30), "the second burst reaches the limit and is logged") { logs.count("web connection limit reached") == 2 }
        }
    }
}

/// Log messages kept for assertions.
final class RecordedLogs: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ message: String) { lines.withLock { $0.append(message) } }
    var messages: [String] { lines.withLock { $0 } }
    func count(_ text: String) -> Int { messages.filter { $0.contains(text) }.count }
}

struct RecordingLogHandler: LogHandler {
    let logs: RecordedLogs
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    init(_ logs: RecordedLogs) { self.logs = logs }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        logs.append(event.message.description)
    }
}
