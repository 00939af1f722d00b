import HeliographCore
import HeliographModbus
import HeliographTransport
import Logging
import NIOCore
import ServiceLifecycle

/// A Modbus TCP client over any `ByteTransport` (usually `TCPTransport`): one request in flight
/// by default or several when configured, matched by transaction id, a timeout per request, a connection opened on first use,
/// kept while in use and reopened on the next use after it failed or went idle.
///
/// It is a `Service`: the connection lives inside `run()`. Add it (or the driver that owns it) to
/// the service group, or scope it with `withRunning(_:)`. Requests made before `run()` starts
/// wait for it (within their timeout); requests made after it stopped fail with `deviceUnavailable`.
public actor ModbusTCPClient: Service {
    public struct Configuration: Sendable, Hashable {
        /// How long one request may take, queueing and connecting included.
        public var requestTimeout: Duration
        /// Requests sent before the first answer arrives; the rest wait. 1 by default: many gateways
        /// (and pymodbus) answer only the first of several requests arriving together.
        public var maximumInFlight: Int
        /// Close the connection after this long without a request.
        public var idleTimeout: Duration
        /// Accept read responses whose byte-count byte is wrong (some Hoymiles DTUs).
        public var repairByteCount: Bool

        public init(
            requestTimeout: Duration = .seconds(3),
            maximumInFlight: Int = 1,
            idleTimeout: Duration = .seconds(120),
            repairByteCount: Bool = false
        ) {
            self.requestTimeout = requestTimeout
            self.maximumInFlight = maximumInFlight
            self.idleTimeout = idleTimeout
            self.repairByteCount = repairByteCount
        }
    }

    /// Counts since start, for /stats and diagnostics.
    public struct Statistics: Sendable, Hashable, Codable {
        public var requests = 0
        public var responses = 0
        public var exceptionResponses = 0
        public var failures = 0
        public var timeouts = 0
        public var connections = 0
        public var discardedResponses = 0
        public init() {}
    }

    public nonisolated let transport: any ByteTransport
    public nonisolated let configuration: Configuration
    private let device: DeviceID?
    private let logger: Logger

    private var session: ModbusTCPClientSession<UInt64>
    private var continuations: [UInt64: CheckedContinuation<ModbusResponse, any Error>] = [:]
    private var nextToken: UInt64 = 0
    private var hasRun = false
    private var hasStopped = false
    private var startWaiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    private var connectSignal: AsyncStream<Void>.Continuation?
    private var outgoing: AsyncStream<ModbusTCPFrame>.Continuation?
    private var lastActivity = ContinuousClock.now
    public private(set) var statistics = Statistics()

    public init(transport: any ByteTransport, configuration: Configuration = Configuration(), device: DeviceID? = nil, logger: Logger = Logger(label: "heliograph.modbus-tcp")) {
        self.transport = transport
        self.configuration = configuration
        self.device = device
        self.logger = logger
        self.session = ModbusTCPClientSession(maximumInFlight: configuration.maximumInFlight)
    }

    // MARK: Requests

    /// Sends `request` to `unit` and returns the raw response, Modbus exceptions included.
    public func send(unit: UInt8, request: ModbusRequest, timeout: Duration? = nil) async throws -> ModbusResponse {
        let token = nextToken
        nextToken += 1
        if connectSignal == nil, !hasStopped {
            // Started together with its caller (service group and poller): wait for run() to begin.
            try? await withTimeout(timeout ?? configuration.requestTimeout, "waiting for the Modbus TCP client to start") {
                await self.waitForStart(token)
            }
        }
        guard connectSignal != nil else {
            throw HeliographError(.deviceUnavailable, "Modbus TCP client for \(transport.address) is not running", device: device)
        }
        statistics.requests += 1
        let deadline = ContinuousClock.now.advanced(by: timeout ?? configuration.requestTimeout)
        lastActivity = .now
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ModbusResponse, any Error>) in
                continuations[token] = continuation
                perform(session.submit(token, unit: unit, request: request, deadline: deadline))
            }
        } onCancel: {
            Task { await self.cancel(token) }
        }
    }

    /// Reads registers (0x03 or 0x04) and returns their values; a Modbus exception throws `deviceRejected`.
    public func read(unit: UInt8, request: ModbusRequest, timeout: Duration? = nil) async throws -> [UInt16] {
        let response = try await send(unit: unit, request: request, timeout: timeout)
        do {
            return try response.registers(for: request)
        } catch {
            throw error.on(device)
        }
    }

    /// Writes registers (0x06 or 0x10) and checks the echo; a Modbus exception throws `deviceRejected`.
    public func write(unit: UInt8, request: ModbusRequest, timeout: Duration? = nil) async throws {
        let response = try await send(unit: unit, request: request, timeout: timeout)
        switch (request, response) {
        case (.writeSingleRegister(let address, let value), .wroteSingleRegister(let echoAddress, let echoValue))
        where address == echoAddress && value == echoValue:
            return
        case (.writeMultipleRegisters(let address, let values), .wroteMultipleRegisters(let echoAddress, let count))
        where address == echoAddress && Int(count) == values.count:
            return
        case (_, .exception(_, let code)):
            throw HeliographError(.deviceRejected, "Modbus exception: \(code)", device: device)
        default:
            throw HeliographError(.unexpectedResponse, "write \(request) answered with \(response)", device: device)
        }
    }

    // MARK: Service

    /// Owns the connection: opens it when requests wait, serves until it fails or idles, repeats.
    public func run() async throws {
        try claimRun()
        await runClaimed()
    }

    private func claimRun() throws(HeliographError) {
        guard !hasRun else {
            throw HeliographError(.invalidConfiguration, "a ModbusTCPClient may be run only once", device: device)
        }
        hasRun = true
    }

    private func runClaimed() async {
        let (signals, signalContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        connectSignal = signalContinuation
        for waiter in startWaiters.values { waiter.resume() }
        startWaiters.removeAll()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.expireLoop() }
            for await _ in signals.cancelOnGracefulShutdown() {
                guard !Task.isCancelled else { break }
                await self.connectAndServe()
            }
            group.cancelAll()
        }
        connectSignal = nil
        hasStopped = true
        perform(session.connectionClosed(HeliographError(.deviceUnavailable, "Modbus TCP client for \(transport.address) stopped", device: device)))
    }

    /// Runs the client for the duration of `body`.
    public nonisolated func withRunning<Result: Sendable>(_ body: @Sendable (ModbusTCPClient) async throws -> Result) async throws -> Result {
        try await claimRun()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.runClaimed() }
            await self.waitForStart(.max)
            defer { group.cancelAll() }
            return try await body(self)
        }
    }

    private func waitForStart(_ token: UInt64) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                if connectSignal != nil || hasStopped {
                    continuation.resume()
                } else {
                    startWaiters[token] = continuation
                }
            }
        } onCancel: {
            Task { await self.releaseStartWaiter(token) }
        }
    }

    private func releaseStartWaiter(_ token: UInt64) {
        startWaiters.removeValue(forKey: token)?.resume()
    }

    // MARK: Connection

    private func connectAndServe() async {
        guard session.queuedCount > 0 || session.inFlightCount > 0 else { return }
        do {
            try await openAndServe()
            perform(session.connectionClosed(HeliographError(.connectionFailed, "Modbus TCP connection to \(transport.address) closed", device: device)))
        } catch let error as HeliographError {
            perform(session.connectionClosed(error.on(device)))
        } catch {
            perform(session.connectionClosed(HeliographError(.connectionFailed, "Modbus TCP connection to \(transport.address) failed", device: device, underlying: error)))
        }
        outgoing = nil
    }

    private struct IdleClose: Error {}

    /// Nonisolated so the connection body runs off the actor; it calls back in for each event.
    private nonisolated func openAndServe() async throws {
        try await transport.withConnection { inbound, outbound in
            try await Self.serve(client: self, inbound: inbound, outbound: outbound)
        }
    }

    private static func serve(
        client: ModbusTCPClient,
        inbound: NIOAsyncChannelInboundStream<ByteBuffer>,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws {
        let (frames, framesContinuation) = AsyncStream.makeStream(of: ModbusTCPFrame.self)
        await client.attach(framesContinuation)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await frame in frames {
                        var buffer = ByteBuffer()
                        frame.encode(into: &buffer)
                        try await outbound.write(buffer)
                    }
                }
                group.addTask {
                    for try await frame in inbound.decode(using: ModbusTCPFrameDecoder()) {
                        await client.handle(frame)
                    }
                    throw HeliographError(.connectionFailed, "Modbus TCP peer closed the connection")
                }
                group.addTask {
                    while true {
                        try await Task.sleep(for: client.configuration.idleTimeout / 4)
                        if await client.isIdle() { throw IdleClose() }
                    }
                }
                group.addTask {
                    // Without this an open connection outlives the service group's graceful shutdown
                    // until the idle check closes it (up to 1.25 × idleTimeout, 150 s by default), and
                    // systemd SIGKILLs a daemon that takes that long to stop. Requests under way finish.
                    try await gracefulShutdown()
                    while await client.hasPendingWork() {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    throw IdleClose()
                }
                defer { group.cancelAll() }
                try await group.next()
            }
        } catch is IdleClose {
            framesContinuation.finish()
            return
        }
    }

    private func attach(_ continuation: AsyncStream<ModbusTCPFrame>.Continuation) {
        outgoing = continuation
        statistics.connections += 1
        perform(session.connected())
    }

    /// A frame from the server. One matching no outstanding request is dropped with a debug log,
    /// the connection kept: it is normally the late answer to a request that timed out.
    private func handle(_ frame: ModbusTCPFrame) {
        let (discarded, stale) = (session.discardedResponses, session.staleResponses)
        perform(session.received(frame, repairingByteCount: configuration.repairByteCount))
        if session.discardedResponses > discarded {
            statistics.discardedResponses += 1
            let reason = session.staleResponses > stale ? "late answer to a request that timed out" : "answer to no request sent"
            logger.debug(
                "dropped Modbus TCP response: \(reason)",
                metadata: ["modbus.transaction": "\(frame.transactionID)", "device.id": "\(device?.rawValue ?? "-")"]
            )
        }
    }

    /// Requests queued or awaiting their response.
    private func hasPendingWork() -> Bool {
        session.inFlightCount > 0 || session.queuedCount > 0
    }

    private func isIdle() -> Bool {
        session.inFlightCount == 0 && session.queuedCount == 0
            && ContinuousClock.now - lastActivity >= configuration.idleTimeout
    }

    private func cancel(_ token: UInt64) {
        perform(session.cancel(token))
    }

    /// Expires requests at their deadline; 50 ms resolution is plenty for second-scale timeouts.
    private func expireLoop() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(50))
            if session.nextDeadline != nil { perform(session.expire(now: .now)) }
        }
    }

    private func perform(_ actions: [ModbusTCPClientSession<UInt64>.Action]) {
        for action in actions {
            switch action {
            case .send(let frame):
                outgoing?.yield(frame)
            case .succeed(let token, let response):
                statistics.responses += 1
                if case .exception = response { statistics.exceptionResponses += 1 }
                continuations.removeValue(forKey: token)?.resume(returning: response)
            case .fail(let token, let error):
                statistics.failures += 1
                if error.code == .timeout { statistics.timeouts += 1 }
                continuations.removeValue(forKey: token)?.resume(throwing: device.map { error.on($0) } ?? error)
            case .connect:
                connectSignal?.yield()
            }
        }
    }
}

extension HeliographError {
    fileprivate func on(_ device: DeviceID?) -> HeliographError {
        guard let device else { return self }
        return self.on(device)
    }
}
