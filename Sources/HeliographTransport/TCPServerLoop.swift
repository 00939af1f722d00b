import NIOCore
import NIOPosix
import ServiceLifecycle

/// A TCP server for the simulators: listens on `host:port` (port 0 picks a free one, reported to
/// `onListening`) and serves every accepted connection in a task of its own until graceful
/// shutdown or cancellation. Connections that arrive while it stops are closed, never dropped
/// (see `UnservedConnections`).
public enum TCPServerLoop {
    public typealias Connection = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    public static func run(
        host: String,
        port: Int,
        onListening: @Sendable (Int) async -> Void,
        serve: @escaping @Sendable (Connection) async -> Void
    ) async throws {
        let unserved = UnservedConnections<Connection>()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    unserved.hold(try Connection(wrappingChannelSynchronously: channel), on: channel)
                }
            }
        defer { unserved.closeAll() }
        await onListening(server.channel.localAddress?.port ?? port)
        try await withThrowingDiscardingTaskGroup { group in
            try await server.executeThenClose { connections in
                for try await connection in connections.cancelOnGracefulShutdown() {
                    unserved.serving(connection.channel)
                    group.addTask { await serve(connection) }
                }
            }
            group.cancelAll()
        }
    }
}
