import HeliographCore
import NIOCore
import NIOPosix

/// A TCP client connection (Solarman loggers on 8899, Modbus TCP on 502).
public struct TCPTransport: ByteTransport {
    public struct Configuration: Sendable, Hashable {
        public var host: String
        public var port: Int
        public var connectTimeout: TimeAmount

        public init(host: String, port: Int, connectTimeout: TimeAmount = .seconds(5)) {
            self.host = host
            self.port = port
            self.connectTimeout = connectTimeout
        }
    }

    public let configuration: Configuration
    private let eventLoopGroup: any EventLoopGroup

    public init(_ configuration: Configuration, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
    }

    public var address: String { "tcp://\(configuration.host):\(configuration.port)" }

    public func withConnection<Result: Sendable>(
        _ body: (NIOAsyncChannelInboundStream<ByteBuffer>, NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws -> Result
    ) async throws -> Result {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: eventLoopGroup)
                .connectTimeout(configuration.connectTimeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw HeliographError(.connectionFailed, "cannot connect to \(address)", underlying: error)
        }
        return try await channel.executeThenClose { inbound, outbound in
            try await body(inbound, outbound)
        }
    }
}
