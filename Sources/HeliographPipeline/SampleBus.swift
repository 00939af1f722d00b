import HeliographCore
import Logging
import ServiceLifecycle
import Synchronization

/// Hands every validated batch to each sink through its own `SinkRunner`, and to live subscribers.
///
/// `publish` returns at once: it only appends to bounded buffers, so polling never waits for a
/// sink. Run the bus as a `Service` after storage and before the pollers; on graceful shutdown it
/// stops accepting new work only after the pollers have stopped (shutdown runs in reverse order),
/// then drains every runner.
public final class SampleBus: Service, LiveFeed, Sendable {
    public let runners: [SinkRunner]
    private let logger: Logger
    private let liveBufferSize: Int
    private let subscribers = Mutex<[Int: AsyncStream<Sample>.Continuation]>([:])
    private let nextSubscriber = Atomic<Int>(0)

    /// - Parameters:
    ///   - sinks: each gets its own runner and buffer.
    ///   - configuration: buffer, batch and flush settings for every runner.
    ///   - liveBufferSize: samples a live subscriber may fall behind before it loses the oldest.
    public init(
        sinks: [any SampleSink],
        configuration: SinkRunner.Configuration = SinkRunner.Configuration(),
        liveBufferSize: Int = 256,
        logger: Logger
    ) {
        self.runners = sinks.map { SinkRunner(sink: $0, configuration: configuration) }
        self.liveBufferSize = liveBufferSize
        self.logger = logger
    }

    /// Queues samples for every sink and live subscriber; never blocks.
    public func publish(_ samples: [Sample]) {
        guard !samples.isEmpty else { return }
        for runner in runners { runner.enqueue(samples) }
        let continuations = subscribers.withLock { Array($0.values) }
        for continuation in continuations {
            for sample in samples { continuation.yield(sample) }
        }
    }

    /// Hands a device's descriptor to every sink ahead of the samples published after it (on its
    /// first description, a new description, or discovery behind a gateway); never blocks.
    public func publish(_ descriptor: DeviceDescriptor) {
        for runner in runners { runner.enqueue(descriptor) }
    }

    /// A stream of every sample published from now on. A subscriber that lags loses the oldest.
    public func subscribe() -> AsyncStream<Sample> {
        let id = nextSubscriber.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream.makeStream(of: Sample.self, bufferingPolicy: .bufferingNewest(liveBufferSize))
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        subscribers.withLock { $0[id] = continuation }
        return stream
    }

    public var subscriberCount: Int { subscribers.withLock { $0.count } }

    /// Counters of every sink, for /stats.
    public var statistics: [SinkRunner.Statistics] { runners.map(\.statistics) }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            for runner in runners {
                group.addTask { [logger] in await runner.run(logger: logger) }
            }
            group.addTask { [runners] in
                // Returns when graceful shutdown starts (or the group is cancelled): tell every runner to drain.
                try? await gracefulShutdown()
                for runner in runners { runner.close() }
            }
            await group.waitForAll()
        }
        let continuations = subscribers.withLock { state in
            defer { state.removeAll() }
            return Array(state.values)
        }
        for continuation in continuations { continuation.finish() }
        logger.debug("Sample bus drained", metadata: ["sinks": "\(runners.map(\.sink.name))"])
    }
}
