import Logging
import NIOCore

/// The first handler of every web connection, working on raw bytes before any HTTP parsing.
///
/// - Closes a connection that has not delivered a complete request head (the blank line after the
///   headers) within the header timeout: slowloris clients and silent sockets.
/// - Answers 431 and closes when the first request head grows past the size limit without ending
///   (later requests are bounded by the HTTP decoder's own limit, set to the same size).
/// - Closes at once a connection whose first byte cannot start an HTTP request, such as a TLS
///   ClientHello (0x16) sent to the plain-HTTP port.
/// - Stamps every read and write into the connection's `ConnectionActivity`, so the registry can
///   tell idle connections from busy ones when it must make room.
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    // Outbound data is only stamped, never unwrapped: encoders below write `IOData` or `ByteBuffer`.
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private let limits: ConnectionLimits
    private let activity: ConnectionActivity
    private let registry: ConnectionRegistry
    private let logger: Logger
    /// Bytes of the first request head so far; nil once it is complete.
    private var firstHeadBytes: Int? = 0
    /// Whether a byte other than a blank line has arrived (the first one must start a method).
    private var sawRequestByte = false
    /// The last four bytes seen, to find a CRLFCRLF split across reads.
    private var lastFour: UInt32 = 0
    private var headerTimer: Scheduled<Void>?

    init(limits: ConnectionLimits, activity: ConnectionActivity, registry: ConnectionRegistry, logger: Logger) {
        self.limits = limits
        self.activity = activity
        self.registry = registry
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        headerTimer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(limits.headerTimeout)) {
            self.headerTimedOut(context: context)
        }
    }

    /// Sent through the pipeline by `GuardedChildChannel` to close a connection chosen to make room.
    struct CloseRequest {}

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is CloseRequest {
            closeQuietly(context: context)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        headerTimer?.cancel()
        headerTimer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        activity.touch()
        let bytes = unwrapInboundIn(data).readableBytesView
        let headEnd = endOfHead(in: bytes)
        if let seen = firstHeadBytes {
            if !sawRequestByte, let first = bytes.first(where: { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }) {
                sawRequestByte = true
                guard Self.canStartRequest(first) else {
                    reject(context: context, reason: first == 0x16 ? "a TLS handshake on the plain-HTTP port" : "not HTTP", answer: nil)
                    return
                }
            }
            let size = seen + (headEnd ?? bytes.count)
            guard size <= limits.maxHeaderBytes else {
                reject(context: context, reason: "request head over \(limits.maxHeaderBytes) bytes", answer: Self.tooLarge)
                return
            }
            if headEnd != nil {
                firstHeadBytes = nil
                headerTimer?.cancel()
                headerTimer = nil
            } else {
                firstHeadBytes = size
            }
        }
        if headEnd != nil { activity.awaitingResponse.store(true, ordering: .relaxed) }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        activity.touch()
        activity.awaitingResponse.store(false, ordering: .relaxed)
        context.write(data, promise: promise)
    }

    // MARK: Helpers

    /// Request methods are upper-case tokens; anything else is not an HTTP/1 client.
    static func canStartRequest(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    static let tooLarge = "HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"

    /// The number of bytes of `bytes` up to and including the first CRLFCRLF (a head's end), if any.
    private func endOfHead(in bytes: ByteBufferView) -> Int? {
        var found: Int?
        for (index, byte) in bytes.enumerated() {
            lastFour = lastFour << 8 | UInt32(byte)
            if found == nil, lastFour == 0x0D0A_0D0A { found = index + 1 }
        }
        return found
    }

    private func headerTimedOut(context: ChannelHandlerContext) {
        headerTimer = nil
        guard firstHeadBytes != nil, context.channel.isActive else { return }
        registry.countHeaderTimeout()
        logger.debug("closing a web connection that sent no request head in time", metadata: ["http.header_timeout": "\(limits.headerTimeout)"])
        closeQuietly(context: context)
    }

    /// Closes the connection. Before its first request head the HTTP upgrade handler is still
    /// waiting for one and would report a plain close as an error (one log line per connection, which
    /// a flood turns into thousands); an end of input first makes it give up the way it does when a
    /// client leaves.
    private func closeQuietly(context: ChannelHandlerContext) {
        if firstHeadBytes != nil {
            firstHeadBytes = nil
            context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        }
        context.close(promise: nil)
    }

    private func reject(context: ChannelHandlerContext, reason: String, answer: String?) {
        registry.countRejected()
        headerTimer?.cancel()
        headerTimer = nil
        logger.debug("closing a web connection", metadata: ["reason": "\(reason)"])
        if let answer {
            context.writeAndFlush(wrapOutboundOut(.byteBuffer(ByteBuffer(string: answer))), promise: nil)
        }
        closeQuietly(context: context)
    }
}

@available(*, unavailable)
extension ConnectionGuardHandler: Sendable {}
