import HeliographTransport
import HummingbirdCore
import Logging
import NIOCore

/// Wraps the server's child channel (HTTP/1 with WebSocket upgrade) so that every accepted
/// connection is counted against `max_connections` and gets a `ConnectionGuardHandler` in front.
///
/// Hummingbird's own connection limit (`MaximumAvailableConnections`) stops accepting at the limit,
/// which leaves new clients, `/health` probes included, waiting behind idle sockets; this closes the
/// least recently active idle connection instead, so new requests keep being served.
///
/// Each accepted connection is also held in `unserved` until Hummingbird's accept loop hands it to
/// a task: a connection accepted as the server stops is closed by `WebServer.run`, never dropped
/// half-made (which traps in NIO, see `UnservedConnections`).
struct GuardedChildChannel<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value

    let inner: Inner
    let limits: ConnectionLimits
    let registry: ConnectionRegistry
    let unserved: UnservedConnections<Inner.Value>

    /// Thrown into the server's accept path for a connection refused at the limit.
    struct ConnectionRefused: Error {}

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let activity = ConnectionActivity()
        switch registry.admit(channel, activity: activity) {
        case .refused:
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(ConnectionRefused())
        case .admittedClosing(let victim):
            // Its own guard closes it, on its event loop, the quiet way (see `closeQuietly`).
            victim.pipeline.fireUserInboundEventTriggered(ConnectionGuardHandler.CloseRequest())
        case .admitted:
            break
        }
        let registry = self.registry
        channel.closeFuture.whenComplete { _ in registry.remove(channel) }
        do {
            let handler = ConnectionGuardHandler(limits: limits, activity: activity, registry: registry, logger: logger)
            try channel.pipeline.syncOperations.addHandler(handler, position: .first)
        } catch {
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(error)
        }
        let unserved = self.unserved
        return inner.setup(channel: channel, logger: logger).map { unserved.hold($0, on: channel) }
    }

    func handle(value: Value, logger: Logger) async {
        unserved.serving(value.channel)
        await inner.handle(value: value, logger: logger)
    }
}
