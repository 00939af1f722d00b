import NIOCore
import Synchronization

/// Accepted connections of a server that no task serves yet, held until they are served or closed.
///
/// NIO hands each accepted `NIOAsyncChannel` to the accept loop through a buffer. When that loop
/// ends (its task cancelled, or graceful shutdown ending the iteration) the connections still in the
/// buffer are dropped. One that has already become active then loses the last reference to its
/// unfinished outbound writer, which NIO treats as a programming error and traps on
/// ("Deinited NIOAsyncWriter without calling finish()", apple/swift-nio#2813): a client connecting
/// at the moment a server stops would crash the whole process.
///
/// A server holds each connection here from its channel initializer (`hold`) until a task takes
/// it (`serving`), and calls `closeAll` once its accept loop has ended. A held connection is let go
/// only when its channel has closed, after NIO has finished the writer's other end, so dropping it
/// is then a clean close. Connections accepted after `closeAll` are closed at once.
public final class UnservedConnections<Connection: Sendable>: Sendable {
    private struct State {
        var held: [ObjectIdentifier: (channel: any Channel, connection: Connection)] = [:]
        var closed = false
    }

    private let state = Mutex(State())

    public init() {}

    /// Holds `connection`, accepted on `channel`, until a task serves it or its channel closes.
    /// Call from the child channel initializer; returns `connection` for the bootstrap.
    @discardableResult
    public func hold(_ connection: Connection, on channel: any Channel) -> Connection {
        let key = ObjectIdentifier(channel)
        let accepted = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.held[key] = (channel, connection)
            return true
        }
        guard accepted else {
            // The server has stopped: keep the connection alive until its close has finished the
            // writer, then let it go.
            channel.close(promise: nil)
            channel.closeFuture.whenComplete { _ in withExtendedLifetime(connection) {} }
            return connection
        }
        channel.closeFuture.whenComplete { _ in
            // Removed only now, after channelInactive finished the writer's sink.
            self.state.withLock { _ = $0.held.removeValue(forKey: key) }
        }
        return connection
    }

    /// The connection on `channel` is now served by a task, which owns (and finishes) it.
    public func serving(_ channel: any Channel) {
        state.withLock { _ = $0.held.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Closes every connection no task took; later arrivals are closed on arrival.
    public func closeAll() {
        let channels = state.withLock { state in
            state.closed = true
            return state.held.values.map(\.channel)
        }
        // Entries leave the table when each close completes (see `hold`).
        for channel in channels { channel.close(promise: nil) }
    }

    /// Connections held now (accepted, not yet served, not yet closed).
    public var count: Int { state.withLock { $0.held.count } }
}
