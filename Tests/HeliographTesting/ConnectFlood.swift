import Synchronization

/// Clients connecting in a tight loop while a server stops: the moment at which a server that drops
/// connections it has accepted but not yet served leaks or traps (see `UnservedConnections`).
public enum ConnectFlood {
    /// Connects to `127.0.0.1:port` in a tight loop (non-blocking connects: a full accept backlog
    /// must not block the test's threads), sending `request` on each, cancels `server` once
    /// `cancelAfter` connections are open, and keeps connecting until it has stopped (at most
    /// `atMost` connections). Returns every connection opened.
    public static func connect(
        port: Int,
        sending request: String,
        cancelling server: Task<Void, any Error>,
        cancelAfter: Int = 16,
        atMost: Int = 400
    ) async -> [RawConnection] {
        var opened: [RawConnection] = []
        let finished = Flag()
        var stopped: Task<Void, Never>?
        while opened.count < atMost {
            if let connection = try? RawConnection(port: port, waitForConnect: false) {
                connection.send(request)
                opened.append(connection)
            }
            if opened.count >= cancelAfter, stopped == nil {
                server.cancel()
                stopped = Task {
                    _ = await server.result
                    finished.value.store(true, ordering: .releasing)
                }
            }
            if finished.value.load(ordering: .acquiring) { break }
            await Task.yield()
        }
        await stopped?.value
        return opened
    }

    final class Flag: Sendable {
        let value = Atomic<Bool>(false)
    }
}
