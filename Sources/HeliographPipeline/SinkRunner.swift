import HeliographCore
import Logging
import Metrics
import Synchronization

import struct Foundation.Date

/// Feeds one sink from its own bounded buffer, so a slow or failing sink delays only itself.
///
/// `enqueue` never blocks: when the buffer is full the oldest samples are dropped and counted.
/// The runner writes when `batchSize` samples are waiting or the oldest has waited `flushInterval`,
/// whichever comes first, so a `kill -9` loses at most about `flushInterval` of data. A failed
/// write is counted and retried with exponential backoff; the batch stays at the front of the
/// buffer, so order is kept.
public final class SinkRunner: Sendable {
    public struct Configuration: Sendable, Hashable {
        /// Most samples held while the sink is slow or failing; beyond it the oldest are dropped.
        public var capacity: Int
        /// Most samples handed to one `write`.
        public var batchSize: Int
        /// Longest a sample waits before it is written; at most 1 s.
        public var flushInterval: Duration
        /// First retry delay after a failed write; doubles up to `maximumBackoff`.
        public var initialBackoff: Duration
        public var maximumBackoff: Duration
        /// On shutdown, how long to keep trying to write what is buffered before giving up.
        public var drainTimeout: Duration

        public init(
            capacity: Int = 10_000,
            batchSize: Int = 500,
            flushInterval: Duration = .milliseconds(500),
            initialBackoff: Duration = .milliseconds(200),
            maximumBackoff: Duration = .seconds(10),
            drainTimeout: Duration = .seconds(5)
        ) {
            self.capacity = max(1, capacity)
            self.batchSize = max(1, batchSize)
            self.flushInterval = min(flushInterval, .seconds(1))
            self.initialBackoff = initialBackoff
            self.maximumBackoff = maximumBackoff
            self.drainTimeout = drainTimeout
        }
    }

    /// Counters for /stats.
    public typealias Statistics = SinkStatistics

    private struct State {
        var buffer: [Sample] = []
        /// Descriptors published since the last write, handed to the sink before it (they are few
        /// and never dropped: a sink must not see a device's samples without its latest description).
        var descriptors: [DeviceDescriptor] = []
        var oldestEnqueued: ContinuousClock.Instant?
        var written = 0
        var dropped = 0
        var writeErrors = 0
        var lastError: String?
        var lastWrite: Date?
        var writingSince: Date?
        var closing = false
    }

    public let sink: any SampleSink
    public let configuration: Configuration
    private let state = Mutex(State())
    private let wake = WakeSignal()
    private let droppedCounter: Counter
    private let writtenCounter: Counter
    private let errorCounter: Counter

    public init(sink: any SampleSink, configuration: Configuration = Configuration()) {
        self.sink = sink
        self.configuration = configuration
        let dimensions = [("sink", sink.name)]
        self.droppedCounter = Counter(label: "heliograph.sink.dropped", dimensions: dimensions)
        self.writtenCounter = Counter(label: "heliograph.sink.written", dimensions: dimensions)
        self.errorCounter = Counter(label: "heliograph.sink.write_errors", dimensions: dimensions)
    }

    public var statistics: Statistics {
        state.withLock {
            Statistics(
                sink: sink.name,
                buffered: $0.buffer.count,
                written: $0.written,
                dropped: $0.dropped,
                writeErrors: $0.writeErrors,
                lastError: $0.lastError,
                lastWrite: $0.lastWrite,
                writingSince: $0.writingSince
            )
        }
    }

    /// Adds samples to the buffer without waiting; drops the oldest when full.
    public func enqueue(_ samples: [Sample]) {
        guard !samples.isEmpty else { return }
        let (dropped, wakeNow) = state.withLock { state -> (Int, Bool) in
            if state.buffer.isEmpty { state.oldestEnqueued = .now }
            state.buffer.append(contentsOf: samples)
            let dropped = Self.trim(&state, capacity: configuration.capacity)
            return (dropped, state.buffer.count >= configuration.batchSize || state.buffer.count == samples.count)
        }
        if dropped > 0 { droppedCounter.increment(by: dropped) }
        if wakeNow { wake.signal() }
    }

    /// Queues a device's descriptor for the sink, to be handed over before its next write; never blocks.
    public func enqueue(_ descriptor: DeviceDescriptor) {
        state.withLock { $0.descriptors.append(descriptor) }
    }

    /// Hands the sink the descriptors queued since its last write, in order.
    private func describePending() async {
        let descriptors = state.withLock { state in
            defer { state.descriptors.removeAll() }
            return state.descriptors
        }
        for descriptor in descriptors { await sink.describe(descriptor) }
    }

    /// Writes until cancelled or `close()` is called, then drains what is left within `drainTimeout`.
    func run(logger: Logger) async {
        var failures = 0
        while true {
            guard let batch = await nextBatch() else { break }
            await describePending()
            state.withLock { $0.writingSince = Date() }
            do {
                try await sink.write(batch)
                state.withLock { $0.writingSince = nil }
                if failures > 0 {
                    logger.notice("Sink write succeeded again", metadata: ["sink.name": "\(sink.name)", "sink.failures": "\(failures)"])
                }
                failures = 0
                recordWritten(batch.count)
                // What the sink took, for the crash drills: a kill -9 after this line never loses these.
                logger.trace("Sink wrote batch", metadata: ["sink.name": "\(sink.name)", "batch.samples": "\(batch.count)"])
            } catch {
                state.withLock { $0.writingSince = nil }
                failures += 1
                putBack(batch, error: error)
                logger.warning(
                    "Sink write failed; will retry",
                    metadata: ["sink.name": "\(sink.name)", "sink.failures": "\(failures)", "error": "\(error)"]
                )
                let delay = Self.backoff(failures: failures, initial: configuration.initialBackoff, maximum: configuration.maximumBackoff)
                try? await Task.sleep(for: delay)
                if Task.isCancelled { break }
            }
        }
        await drain(logger: logger)
    }

    /// Stops waiting for more samples; `run` writes what is buffered and returns.
    func close() {
        state.withLock { $0.closing = true }
        wake.signal()
    }

    /// Waits until a batch is due (full, or the oldest sample is old enough) and takes it out of the buffer.
    /// Returns nil when closing or cancelled.
    private func nextBatch() async -> [Sample]? {
        while true {
            enum Step { case take([Sample]), wait(ContinuousClock.Instant?), stop }
            let step = state.withLock { state -> Step in
                if state.closing || Task.isCancelled { return .stop }
                guard let oldest = state.oldestEnqueued, !state.buffer.isEmpty else { return .wait(nil) }
                let due = oldest.advanced(by: configuration.flushInterval)
                if state.buffer.count >= configuration.batchSize || ContinuousClock.now >= due {
                    return .take(Self.take(&state, count: configuration.batchSize))
                }
                return .wait(due)
            }
            switch step {
            case .take(let batch): return batch
            case .stop: return nil
            case .wait(let deadline): await wake.wait(until: deadline)
            }
        }
    }

    private func drain(logger: Logger) async {
        let deadline = ContinuousClock.now.advanced(by: configuration.drainTimeout)
        var failures = 0
        while ContinuousClock.now < deadline {
            let batch = state.withLock { Self.take(&$0, count: configuration.batchSize) }
            if batch.isEmpty { return }
            do {
                // Drain even when the surrounding task was cancelled: this is the last chance to keep the data.
                await describePending()
                try await Task.detached { [sink] in try await sink.write(batch) }.value
                recordWritten(batch.count)
            } catch {
                failures += 1
                putBack(batch, error: error)
                let delay = Self.backoff(failures: failures, initial: configuration.initialBackoff, maximum: .seconds(1))
                try? await Task.detached { try await Task.sleep(for: delay) }.value
            }
        }
        let lost = state.withLock { $0.buffer.count }
        if lost > 0 {
            logger.error("Sink could not drain before shutdown", metadata: ["sink.name": "\(sink.name)", "samples.lost": "\(lost)"])
        }
    }

    private func recordWritten(_ count: Int) {
        state.withLock {
            $0.written += count
            $0.lastWrite = Date()
        }
        writtenCounter.increment(by: count)
    }

    private func putBack(_ batch: [Sample], error: any Error) {
        let dropped = state.withLock { state -> Int in
            state.buffer.insert(contentsOf: batch, at: 0)
            if state.oldestEnqueued == nil { state.oldestEnqueued = .now }
            state.writeErrors += 1
            state.lastError = "\(error)"
            return Self.trim(&state, capacity: configuration.capacity)
        }
        errorCounter.increment()
        if dropped > 0 { droppedCounter.increment(by: dropped) }
    }

    private static func take(_ state: inout State, count: Int) -> [Sample] {
        let batch = Array(state.buffer.prefix(count))
        state.buffer.removeFirst(batch.count)
        // What remains is no older than what was taken, so keeping the old stamp only flushes it sooner.
        if state.buffer.isEmpty { state.oldestEnqueued = nil }
        return batch
    }

    private static func trim(_ state: inout State, capacity: Int) -> Int {
        let excess = state.buffer.count - capacity
        guard excess > 0 else { return 0 }
        state.buffer.removeFirst(excess)
        state.dropped += excess
        return excess
    }

    static func backoff(failures: Int, initial: Duration, maximum: Duration) -> Duration {
        let exponent = min(failures - 1, 20)
        let base = min(initial * (1 << exponent), maximum)
        // Full jitter on the upper half, so many failing sinks do not retry in step.
        return base * Double.random(in: 0.5...1.0)
    }
}
