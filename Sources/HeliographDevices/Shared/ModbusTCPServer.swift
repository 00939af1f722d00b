import HeliographCore
import HeliographModbus
import HeliographTransport
import Logging
import NIOCore
import ServiceLifecycle

/// A Modbus TCP server for simulators: accepts connections on `host:port` (port 0 picks a free
/// one, reported to `onReady`) and answers each request with `handler`.
///
/// Like a real gateway (and pymodbus), it answers the requests of one connection one at a time,
/// in the order they arrived: a request waits until the one before it is answered. Tests that
/// need a slow answer overtaken by a quick one set `answersConcurrently`, which is what makes a
/// client match answers by transaction id. A handler returning nil sends nothing (a device that
/// does not answer); an undecodable request gets an "illegal function" exception.
public struct ModbusTCPServer: Service {
    public typealias Handler = @Sendable (_ unit: UInt8, _ request: ModbusRequest) async -> ModbusResponse?

    public struct Configuration: Sendable, Hashable {
        public var host: String
        public var port: Int
        /// Handle the requests of one connection concurrently, answering each as soon as it is
        /// ready (out of order). A test option: no device we know of does this.
        public var answersConcurrently: Bool

        public init(host: String = "127.0.0.1", port: Int = 0, answersConcurrently: Bool = false) {
            self.host = host
            self.port = port
            self.answersConcurrently = answersConcurrently
        }
    }

    public let configuration: Configuration
    private let handler: Handler
    private let onReady: @Sendable (Int) async -> Void
    private let logger: Logger

    public init(
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "heliograph.simulator.modbus-tcp"),
        onReady: @escaping @Sendable (Int) async -> Void = { _ in },
        handler: @escaping Handler
    ) {
        self.configuration = configuration
        self.handler = handler
        self.onReady = onReady
        self.logger = logger
    }

    public func run() async throws {
        try await TCPServerLoop.run(host: configuration.host, port: configuration.port) { port in
            logger.info("Modbus TCP simulator listening", metadata: ["transport.port": "\(port)"])
            await onReady(port)
        } serve: { connection in
            await self.serve(connection)
        }
    }

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                let frames = inbound.decode(using: ModbusTCPFrameDecoder())
                guard configuration.answersConcurrently else {
                    for try await frame in frames {
                        try await reply(to: frame, on: outbound)
                    }
                    return
                }
                try await withThrowingDiscardingTaskGroup { group in
                    for try await frame in frames {
                        group.addTask { try await self.reply(to: frame, on: outbound) }
                    }
                }
            }
        } catch {
            logger.debug("Modbus TCP simulator connection ended", metadata: ["error": "\(error)"])
        }
    }

    private func reply(to frame: ModbusTCPFrame, on outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws {
        guard let reply = await answer(frame) else { return }
        var buffer = ByteBuffer()
        reply.encode(into: &buffer)
        try await outbound.write(buffer)
    }

    private func answer(_ frame: ModbusTCPFrame) async -> ModbusTCPFrame? {
        let response: ModbusResponse?
        do {
            response = await handler(frame.unit, try frame.request())
        } catch {
            let function = frame.pdu.getInteger(at: frame.pdu.readerIndex, as: UInt8.self) ?? 0
            response = .exception(function: function & 0x7F, code: .illegalFunction)
        }
        return response.map { ModbusTCPFrame(transactionID: frame.transactionID, unit: frame.unit, response: $0) }
    }
}
