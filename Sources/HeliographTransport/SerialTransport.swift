import HeliographCore
import NIOCore
import NIOPosix

/// A serial line (RS-232 adapter, `/dev/ttyUSB0`) or any tty such as a pseudo-terminal.
///
/// Each `withConnection` opens the port, puts it in raw mode at the configured speed, discards
/// stale bytes, and hands the descriptor to NIO, which closes it when `body` returns.
public struct SerialTransport: ByteTransport {
    public struct Configuration: Sendable, Hashable {
        public var path: String
        /// 2400 for PI30 inverters.
        public var baudRate: Int

        public init(path: String, baudRate: Int = 2_400) {
            self.path = path
            self.baudRate = baudRate
        }
    }

    public let configuration: Configuration
    private let eventLoopGroup: any EventLoopGroup

    public init(_ configuration: Configuration, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
    }

    public init(path: String, baudRate: Int = 2_400) {
        self.init(Configuration(path: path, baudRate: baudRate))
    }

    public var address: String { "serial://\(configuration.path)" }

    public func withConnection<Result: Sendable>(
        _ body: (NIOAsyncChannelInboundStream<ByteBuffer>, NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws -> Result
    ) async throws -> Result {
        let path = configuration.path
        let descriptor = try PosixDevice.open(path)
        do {
            try PosixDevice.makeRaw(descriptor, baud: configuration.baudRate, path: path)
            PosixDevice.flush(descriptor)
        } catch {
            PosixDevice.close(descriptor)
            throw error
        }
        let channel = try await PipeChannels.asyncChannel(descriptor: descriptor, path: path, group: eventLoopGroup) { _ in }
        return try await channel.executeThenClose { inbound, outbound in
            try await body(inbound, outbound)
        }
    }
}

/// Hands an open descriptor to `NIOPipeBootstrap` and wraps it in an `NIOAsyncChannel`.
enum PipeChannels {
    static func asyncChannel(
        descriptor: CInt,
        path: String,
        group: any EventLoopGroup,
        configure: @escaping @Sendable (any Channel) throws -> Void
    ) async throws(HeliographError) -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        do {
            return try await NIOPipeBootstrap(group: group)
                .takingOwnershipOfDescriptor(inputOutput: descriptor) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try configure(channel)
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            // On failure NIO leaves the descriptor to us.
            PosixDevice.close(descriptor)
            throw HeliographError(.deviceUnavailable, "cannot use \(path) as a byte stream", underlying: error)
        }
    }
}
