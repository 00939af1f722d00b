import HeliographCore
import NIOCore
import NIOPosix

/// A USB HID device through Linux hidraw (`/dev/hidraw0`), e.g. a Voltronic inverter's
/// Cypress-style HID-to-serial bridge (0665:5161).
///
/// Every write reaches the device as whole reports of `reportSize` bytes (split and zero-padded by
/// `HIDReportFramer`); every read returns one report, so replies arrive padded and the codec drops
/// the padding. This uses `NIOPipeBootstrap` like the serial transport rather than a blocking
/// thread: hidraw supports `poll()`, so epoll wakes us per report, and there is one I/O path for
/// every link. When NIO gathers several reports into one `writev`, the kernel still calls hidraw's
/// `write` once per iovec (hidraw has no `write_iter`), so report boundaries survive.
public struct HIDTransport: ByteTransport {
    public struct Configuration: Sendable, Hashable {
        public var path: String
        /// 8 for Voltronic inverters.
        public var reportSize: Int

        public init(path: String, reportSize: Int = 8) {
            self.path = path
            self.reportSize = reportSize
        }
    }

    public let configuration: Configuration
    private let eventLoopGroup: any EventLoopGroup

    public init(_ configuration: Configuration, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
    }

    public init(path: String) {
        self.init(Configuration(path: path))
    }

    public var address: String { "hid://\(configuration.path)" }

    public func withConnection<Result: Sendable>(
        _ body: (NIOAsyncChannelInboundStream<ByteBuffer>, NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws -> Result
    ) async throws -> Result {
        let path = configuration.path
        let reportSize = max(1, configuration.reportSize)
        let descriptor = try PosixDevice.open(path)
        // A tty here is a pseudo-terminal standing in for the device in tests: keep its bytes raw.
        if PosixDevice.isTerminal(descriptor) {
            do {
                try PosixDevice.makeRaw(descriptor, baud: nil, path: path)
                PosixDevice.flush(descriptor)
            } catch {
                PosixDevice.close(descriptor)
                throw error
            }
        }
        let channel = try await PipeChannels.asyncChannel(descriptor: descriptor, path: path, group: eventLoopGroup) { channel in
            try channel.pipeline.syncOperations.addHandler(HIDReportFramer(reportSize: reportSize))
        }
        return try await channel.executeThenClose { inbound, outbound in
            try await body(inbound, outbound)
        }
    }
}

/// Splits every outbound buffer into reports of exactly `reportSize` bytes, zero-padding the last.
public final class HIDReportFramer: ChannelOutboundHandler, RemovableChannelHandler {
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private let reportSize: Int

    public init(reportSize: Int = 8) {
        self.reportSize = reportSize
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var buffer = unwrapOutboundIn(data)
        guard buffer.readableBytes > 0 else {
            context.write(data, promise: promise)
            return
        }
        var last: EventLoopFuture<Void>?
        while buffer.readableBytes > 0 {
            var report = buffer.readSlice(length: min(reportSize, buffer.readableBytes))!
            if report.readableBytes < reportSize {
                var padded = context.channel.allocator.buffer(capacity: reportSize)
                padded.writeBuffer(&report)
                padded.writeRepeatingByte(0, count: reportSize - padded.readableBytes)
                report = padded
            }
            last = context.write(wrapOutboundOut(report))
        }
        if let promise { last?.cascade(to: promise) }
    }
}

@available(*, unavailable)
extension HIDReportFramer: Sendable {}
