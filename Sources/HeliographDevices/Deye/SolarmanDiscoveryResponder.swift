import HeliographSolarman
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// Answers Solarman discovery probes on UDP like a logger stick: `IP,MAC,SERIAL` to each
/// `WIFIKIT-214028-READ` (or `HF-A11ASSISTHREAD`). Tests run it on 127.0.0.1.
public final class SolarmanDiscoveryResponder: Service, Sendable {
    public let host: String
    public let port: Int
    public let replies: [SolarmanDiscovery.Reply]
    private let logger: Logger
    private let boundPort = Mutex<(port: Int?, waiters: [CheckedContinuation<Int, Never>])>((nil, []))

    /// `port` 0 picks a free port; each probe is answered once per entry of `replies` (several loggers).
    public init(host: String = "127.0.0.1", port: Int = 0, replies: [SolarmanDiscovery.Reply], logger: Logger = Logger(label: "heliograph.simulator.discovery")) {
        self.host = host
        self.port = port
        self.replies = replies
        self.logger = logger
    }

    public func listeningPort() async -> Int {
        await withCheckedContinuation { continuation in
            let ready: Int? = boundPort.withLock { state in
                if let port = state.port { return port }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    public func run() async throws {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(wrappingChannelSynchronously: channel)
                }
            }
        let actual = channel.channel.localAddress?.port ?? port
        let waiters = boundPort.withLock { state in
            state.port = actual
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: actual) }
        try await channel.executeThenClose { inbound, outbound in
            for try await envelope in inbound.cancelOnGracefulShutdown() {
                let probe = Array(envelope.data.readableBytesView)
                guard probe == SolarmanDiscovery.probe || probe == SolarmanDiscovery.alternativeProbe else { continue }
                for reply in replies {
                    try await outbound.write(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: ByteBuffer(bytes: reply.bytes)))
                }
            }
        }
    }
}
