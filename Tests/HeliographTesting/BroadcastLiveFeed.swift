import HeliographCore
import Synchronization

/// A `LiveFeed` that hands each published sample to every current subscriber, dropping the oldest
/// for subscribers that fall behind. Tests publish by hand; it is also a `SampleSink`.
public final class BroadcastLiveFeed: LiveFeed, SampleSink {
    public let name = "live"
    private let subscribers = Mutex<[Int: AsyncStream<Sample>.Continuation]>([:])
    private let nextID = Atomic<Int>(0)
    private let bufferSize: Int

    public init(bufferSize: Int = 256) { self.bufferSize = bufferSize }

    public func subscribe() -> AsyncStream<Sample> {
        let (stream, continuation) = AsyncStream<Sample>.makeStream(bufferingPolicy: .bufferingNewest(bufferSize))
        let id = nextID.add(1, ordering: .relaxed).newValue
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        subscribers.withLock { $0[id] = continuation }
        return stream
    }

    /// How many streams are subscribed right now.
    public var subscriberCount: Int { subscribers.withLock { $0.count } }

    public func publish(_ sample: Sample) {
        for continuation in subscribers.withLock({ Array($0.values) }) { continuation.yield(sample) }
    }

    public func write(_ samples: [Sample]) async throws {
        for sample in samples { publish(sample) }
    }
}
