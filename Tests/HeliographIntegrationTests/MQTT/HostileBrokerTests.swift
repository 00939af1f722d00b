import Foundation
import HeliographCore
import HeliographMQTT
import HeliographMQTTCodec
import HeliographTesting
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// A fake broker on 127.0.0.1:0 that answers each connection's first bytes with a scripted reply.
final class ScriptedBroker: Sendable {
    let replies: [[UInt8]]
    let connections = Atomic<Int>(0)
    private let channel: Mutex<(any Channel)?> = Mutex(nil)

    init(replies: [[UInt8]]) { self.replies = replies }

    var port: Int { channel.withLock { $0?.localAddress?.port ?? 0 } }

    func start() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let index = self.connections.add(1, ordering: .relaxed).oldValue
                let reply = self.replies[min(index, self.replies.count - 1)]
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ReplyHandler(reply: reply, closeAfter: index < self.replies.count - 1))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        channel.withLock { $0 = server }
    }

    func stop() async {
        let server = channel.withLock { $0 }
        try? await server?.close()
    }

    /// Writes the reply once CONNECT arrives; garbage replies then hang up, the last one stays.
    private final class ReplyHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let reply: [UInt8]
        let closeAfter: Bool
        init(reply: [UInt8], closeAfter: Bool) {
            self.reply = reply
            self.closeAfter = closeAfter
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let reply = context.channel.allocator.buffer(bytes: self.reply)
            let write = context.writeAndFlush(NIOAny(reply))
            if closeAfter {
                let channel = context.channel
                write.whenComplete { _ in
                    channel.eventLoop.scheduleTask(in: .milliseconds(50)) { channel.close(promise: nil) }
                }
            }
        }
    }
}

@Suite("MQTT client against a hostile peer")
struct HostileBrokerTests {
    @Test("garbage, oversized and truncated packets from the network only cause a reconnect")
    func survivesMalformedPackets() async throws {
        try await withTestResources { resources in
            let broker = ScriptedBroker(replies: [
                [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],  // reserved type, 5-byte length
                [0x30, 0xFF, 0xFF, 0xFF, 0x7F],  // PUBLISH announcing 256 MB
                [0x20, 0x02, 0x01, 0x05],  // CONNACK refused yet "session present"
                [0x30, 0x05, 0x00, 0x09],  // truncated, then the peer hangs up
                [0x90, 0x03, 0x00, 0x00, 0x00],  // SUBACK before CONNACK, packet id 0
                [0x20, 0x02, 0x00, 0x00],  // finally a valid CONNACK
            ])
            try await broker.start()
            resources.onCleanup { await broker.stop() }

            let reasons = Mutex<[String]>([])
            let running = RunningClient(testConfiguration(port: broker.port), in: resources)
            let states = running.client.connectionStates()
            try await withTimeout(.seconds(20), "client connects after the hostile replies") {
                for await state in states {
                    if case .disconnected(let reason?) = state { reasons.withLock { $0.append(reason) } }
                    if case .connected = state { return }
                }
            }
            #expect(broker.connections.load(ordering: .relaxed) == 6)
            let seen = reasons.withLock { $0 }
            #expect(seen.contains { $0.contains("malformed frame") }, "decoder errors surface as reasons: \(seen)")
            await running.kill()
        }
    }
}
