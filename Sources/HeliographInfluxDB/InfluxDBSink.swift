import AsyncHTTPClient
import CompressNIO
import Foundation
import HeliographCore
import Logging
import Metrics
import NIOCore
import ServiceLifecycle
import Synchronization

/// Writes samples to InfluxDB (1.x or 2.x API) so nothing is lost while the server is away.
///
/// `write` (called by the sample bus) encodes the samples as line protocol, compresses them with
/// gzip and appends them to the `BatchSpool`, on disk when a directory is set, then returns: the
/// daemon never waits for InfluxDB. `run` sends the spool oldest first, one batch per request,
/// deleting a batch only after InfluxDB accepted it (HTTP 204), so order is kept. Network errors,
/// timeouts, 429 and 5xx are retried with exponential backoff and jitter; a batch InfluxDB rejects
/// as malformed (400, 413, 422) is dropped and counted so it cannot block the queue forever.
/// Authentication failures (401, 403) are retried too: fixing the credentials then loses nothing.
public final class InfluxDBSink: SampleSink, Service, Sendable {
    public struct Configuration: Sendable, Hashable {
        public var endpoint: InfluxDBEndpoint
        public var lineProtocol: LineProtocol
        /// Most lines in one request; InfluxDB recommends 5 000.
        public var batchSize: Int
        /// Longest one request may take.
        public var timeout: Duration
        public var initialBackoff: Duration
        public var maximumBackoff: Duration
        /// Where batches wait; nil keeps them in memory (lost on restart).
        public var spoolDirectory: URL?
        public var spoolMaximumBytes: Int
        /// gzip the request body (`Content-Encoding: gzip`).
        public var compress: Bool
        /// On shutdown, how long to keep sending what is spooled before leaving it for the next start.
        public var drainTimeout: Duration

        public init(
            endpoint: InfluxDBEndpoint,
            lineProtocol: LineProtocol = LineProtocol(),
            batchSize: Int = 5_000,
            timeout: Duration = .seconds(10),
            initialBackoff: Duration = .seconds(1),
            maximumBackoff: Duration = .seconds(60),
            spoolDirectory: URL? = nil,
            spoolMaximumBytes: Int = 512 << 20,
            compress: Bool = true,
            drainTimeout: Duration = .seconds(5)
        ) {
            self.endpoint = endpoint
            self.lineProtocol = lineProtocol
            self.batchSize = max(1, batchSize)
            self.timeout = timeout
            self.initialBackoff = initialBackoff
            self.maximumBackoff = maximumBackoff
            self.spoolDirectory = spoolDirectory
            self.spoolMaximumBytes = spoolMaximumBytes
            self.compress = compress
            self.drainTimeout = drainTimeout
        }
    }

    /// Counters for `/health` and tests.
    public struct Statistics: Sendable, Hashable {
        public var spooledBatches: Int
        public var spooledPoints: Int
        public var sentPoints: Int
        public var droppedBatches: Int
        public var failedRequests: Int
        public var lastError: String?
        public var lastSuccess: Date?
        /// When the oldest spooled batch first failed to send; nil while sending works.
        public var failingSince: Date?
    }

    private struct State {
        var spool: BatchSpool
        var sentPoints = 0
        var droppedBatches = 0
        var failedRequests = 0
        var lastError: String?
        var lastSuccess: Date?
        var failingSince: Date?
    }

    public let name = "influxdb"
    public let configuration: Configuration
    private let state: Mutex<State>
    /// The descriptors handed over with the samples (kind → measurement, model → tag).
    private let devices: DeviceDirectory
    private let logger: Logger
    private let wake: AsyncStream<Void>.Continuation
    private let wakes: AsyncStream<Void>
    private let client: HTTPClient
    private let pointsCounter = Counter(label: "heliograph.influxdb.points")
    private let droppedCounter = Counter(label: "heliograph.influxdb.dropped")
    private let spooledGauge = Gauge(label: "heliograph.influxdb.spooled_batches")

    /// - Parameters:
    ///   - client: the HTTP client; the shared one by default.
    ///   - devices: descriptors known up front; the others arrive with the samples (`describe`).
    public init(configuration: Configuration, logger: Logger, client: HTTPClient = .shared, devices: [DeviceDescriptor] = []) throws {
        self.configuration = configuration
        self.logger = logger
        self.client = client
        self.devices = DeviceDirectory(devices)
        let spool = try BatchSpool(directory: configuration.spoolDirectory, maximumBytes: configuration.spoolMaximumBytes)
        self.state = Mutex(State(spool: spool))
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        if !spool.isEmpty {
            logger.info("InfluxDB spool holds batches from an earlier run", metadata: ["influxdb.batches": "\(spool.count)"])
        }
    }

    public var statistics: Statistics {
        state.withLock {
            Statistics(
                spooledBatches: $0.spool.count, spooledPoints: $0.spool.pendingPoints, sentPoints: $0.sentPoints,
                droppedBatches: $0.droppedBatches + $0.spool.droppedBatches, failedRequests: $0.failedRequests,
                lastError: $0.lastError, lastSuccess: $0.lastSuccess, failingSince: $0.failingSince
            )
        }
    }

    // MARK: Accepting samples

    public func describe(_ device: DeviceDescriptor) async {
        devices.record(device)
    }

    /// Encodes, compresses and spools the samples; throws only when the spool cannot take them
    /// (then the sink runner keeps them and retries).
    public func write(_ samples: [Sample]) async throws {
        var lines: [String] = []
        lines.reserveCapacity(samples.count)
        for sample in samples {
            if let line = configuration.lineProtocol.line(for: sample, descriptor: devices[sample.device]) { lines.append(line) }
        }
        guard !lines.isEmpty else { return }
        var start = 0
        while start < lines.count {
            let end = min(start + configuration.batchSize, lines.count)
            let body = try Self.body(lines[start..<end], compress: configuration.compress)
            let dropped = try state.withLock { state -> Int in
                let dropped = try state.spool.append(body, points: end - start)
                spooledGauge.record(state.spool.count)
                return dropped
            }
            if dropped > 0 {
                droppedCounter.increment(by: dropped)
                logger.error("InfluxDB spool is full; dropped the oldest batches", metadata: ["influxdb.dropped": "\(dropped)"])
            }
            start = end
        }
        wake.yield()
    }

    /// Line protocol, one line per point, each ending in a line feed; gzip-compressed when asked.
    package static func body(_ lines: ArraySlice<String>, compress: Bool) throws -> [UInt8] {
        var text = ByteBuffer()
        for line in lines {
            text.writeString(line)
            text.writeInteger(UInt8(ascii: "\n"))
        }
        guard compress else { return Array(text.readableBytesView) }
        let compressor = CompressionAlgorithm.gzip().compressor
        try compressor.startStream()
        defer { try? compressor.finishStream() }
        var compressed = ByteBuffer()
        compressed.reserveCapacity(compressor.maxSize(from: text))
        try compressor.streamDeflate(from: &text, to: &compressed, flush: .finish)
        return Array(compressed.readableBytesView)
    }

    // MARK: Sending

    enum Outcome: Equatable {
        case sent
        /// InfluxDB refused the batch's content; resending cannot help.
        case rejected(String)
        /// Try again later.
        case retry(String)
    }

    public func run() async throws {
        var failures = 0
        let logger = self.logger
        while true {
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            guard let batch = state.withLock({ $0.spool.first() }) else {
                // Wait for the next write, or shutdown.
                await cancelWhenGracefulShutdownOrCancelled { for await _ in self.wakes { return } }
                continue
            }
            let outcome = await send(batch)
            record(outcome, batch: batch)
            switch outcome {
            case .sent, .rejected:
                failures = 0
            case .retry(let reason):
                failures += 1
                let delay = Self.backoff(failures: failures, initial: configuration.initialBackoff, maximum: configuration.maximumBackoff)
                logger.warning(
                    "InfluxDB write failed; will retry",
                    metadata: ["influxdb.url": "\(configuration.endpoint.description)", "influxdb.failures": "\(failures)", "error": "\(reason)", "influxdb.retry_in": "\(delay)"]
                )
                await cancelWhenGracefulShutdownOrCancelled { try? await Task.sleep(for: delay) }
            }
        }
        await drain()
    }

    /// On shutdown: keeps sending while it works and time remains; what is left stays spooled.
    private func drain() async {
        let deadline = ContinuousClock.now.advanced(by: configuration.drainTimeout)
        while ContinuousClock.now < deadline, let batch = state.withLock({ $0.spool.first() }) {
            let outcome = await Task.detached { await self.send(batch) }.value
            record(outcome, batch: batch)
            if case .retry = outcome { break }
        }
        let left = state.withLock { $0.spool.count }
        if left > 0 {
            let where_ = configuration.spoolDirectory.map { "kept in \($0.path) for the next start" } ?? "lost: no spool_directory"
            logger.notice("InfluxDB batches not sent before shutdown", metadata: ["influxdb.batches": "\(left)", "influxdb.spool": "\(where_)"])
        }
    }

    func send(_ batch: BatchSpool.Batch) async -> Outcome {
        var request = HTTPClientRequest(url: configuration.endpoint.writeURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        request.headers.add(name: "User-Agent", value: "heliograph")
        if configuration.compress { request.headers.add(name: "Content-Encoding", value: "gzip") }
        if let authorization = configuration.endpoint.authorization { request.headers.add(name: "Authorization", value: authorization) }
        request.body = .bytes(ByteBuffer(bytes: batch.body))
        do {
            let timeout = TimeAmount.nanoseconds(
                configuration.timeout.components.seconds * 1_000_000_000 + configuration.timeout.components.attoseconds / 1_000_000_000
            )
            let response = try await client.execute(request, timeout: timeout)
            let body = (try? await response.body.collect(upTo: 64 * 1_024)).map { String(buffer: $0) } ?? ""
            let message = "HTTP \(response.status.code): \(body.trimmingCharacters(in: .whitespacesAndNewlines).prefix(300))"
            switch response.status.code {
            case 200..<300: return .sent
            case 400, 413, 422: return .rejected(message)
            default: return .retry(message)
            }
        } catch {
            return .retry("\(error)")
        }
    }

    private func record(_ outcome: Outcome, batch: BatchSpool.Batch) {
        let result: String
        switch outcome {
        case .sent:
            result = "sent"
            state.withLock { state in
                if state.spool.firstSequence == batch.sequence { state.spool.removeFirst() }
                state.sentPoints += batch.points
                state.lastSuccess = Date()
                state.failingSince = nil
                spooledGauge.record(state.spool.count)
            }
            pointsCounter.increment(by: batch.points)
        case .rejected(let reason):
            result = "rejected"
            state.withLock { state in
                if state.spool.firstSequence == batch.sequence { state.spool.removeFirst() }
                state.droppedBatches += 1
                state.lastError = reason
                spooledGauge.record(state.spool.count)
            }
            droppedCounter.increment()
            logger.error("InfluxDB rejected a batch; dropped it", metadata: ["influxdb.points": "\(batch.points)", "error": "\(reason)"])
        case .retry(let reason):
            result = "failed"
            state.withLock { state in
                state.failedRequests += 1
                state.lastError = reason
                if state.failingSince == nil { state.failingSince = Date() }
            }
        }
        Counter(label: "heliograph.influxdb.requests", dimensions: [("result", result)]).increment()
    }

    static func backoff(failures: Int, initial: Duration, maximum: Duration) -> Duration {
        let exponent = min(max(failures - 1, 0), 20)
        let base = min(initial * (1 << exponent), maximum)
        // Jitter on the upper half, so several daemons behind one InfluxDB do not retry in step.
        return base * Double.random(in: 0.5...1.0)
    }
}

/// Runs `body` until it returns, graceful shutdown starts, or the task is cancelled.
private func cancelWhenGracefulShutdownOrCancelled(_ body: @escaping @Sendable () async -> Void) async {
    await cancelWhenGracefulShutdown { await body() }
}
