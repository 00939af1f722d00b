import HeliographTesting
import NIOCore
import NIOPosix

/// A loopback TCP server that accepts every connection and either never answers (`reply` nil) or
/// answers every chunk it reads with `reply`: the silent device and the wrong device on the port.
enum MisbehavingTCPServer {
    static func run(reply: [UInt8]?, _ body: (Int) async throws -> Void) async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { child in
                child.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child) }
            }
        guard let port = server.channel.localAddress?.port else { throw TestFailure("the server has no port") }
        let serving = Task {
            try await server.executeThenClose { connections in
                await withDiscardingTaskGroup { group in
                    do {
                        for try await connection in connections {
                            group.addTask {
                                try? await connection.executeThenClose { input, output in
                                    for try await _ in input {
                                        if let reply { try await output.write(ByteBuffer(bytes: reply)) }
                                    }
                                }
                            }
                        }
                    } catch {}
                    group.cancelAll()
                }
            }
        }
        defer { serving.cancel() }
        do {
            try await body(port)
        } catch {
            try? await server.channel.close()
            throw error
        }
        try? await server.channel.close()
        _ = await serving.result
    }
}
