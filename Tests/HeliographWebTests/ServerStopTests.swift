import HeliographTesting
import HeliographWeb
import HeliographWebTesting
import Testing

/// A server stopped while clients are connecting. NIO hands accepted connections to the accept
/// loop through a buffer; before `UnservedConnections`, one still in that buffer when the loop
/// ended was dropped: left open for good if it had not become active yet, and if it had, the whole
/// process trapped ("Deinited NIOAsyncWriter without calling finish()"), which is how the
/// integration run used to crash. Without the fix this test finds open connections in most rounds.
@Suite struct ServerStopTests {
    static let health = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"

    @Test("a web server cancelled while clients connect closes every connection and never traps")
    func cancelledWhileClientsConnect() async throws {
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let fixture = try await WebFixture(onServerRunning: { portContinuation.yield($0) })
        var listening = ports.makeAsyncIterator()
        for round in 0..<25 {
            let serving = Task { try await fixture.server.run() }
            let port = try #require(await listening.next())
            let opened = await ConnectFlood.connect(port: port, sending: Self.health, cancelling: serving)
            for connection in opened {
                let result = await connection.readUntilClosed(timeout: .seconds(10))
                #expect(result.closed, "round \(round): a connection accepted as the server stopped was left open")
            }
        }
    }
}
