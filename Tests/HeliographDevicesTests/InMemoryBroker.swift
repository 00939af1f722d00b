import HeliographMQTT
import HeliographMQTTCodec
import NIOCore
import Synchronization

/// Publish/subscribe inside the test process: what a simulator publishes reaches the drivers
/// subscribed to a matching filter, with no broker in between.
final class InMemoryBroker: MQTTPublisher {
    private struct Subscriber {
        var filters: [TopicFilter]
        var continuation: AsyncStream<MQTTMessage>.Continuation
    }

    private let subscribers = Mutex<[Subscriber]>([])

    func publish(topic: String, payload: ByteBuffer, qos: QoS, retain: Bool) async throws {
        let message = MQTTMessage(topic: topic, payload: payload, qos: qos, retain: false)
        for subscriber in subscribers.withLock({ $0 }) where subscriber.filters.contains(where: { $0.matches(topic) }) {
            subscriber.continuation.yield(message)
        }
    }

    func subscribe(_ filters: [String], qos: QoS, bufferSize: Int) async throws -> AsyncStream<MQTTMessage> {
        let (stream, continuation) = AsyncStream.makeStream(of: MQTTMessage.self, bufferingPolicy: .bufferingNewest(bufferSize))
        let parsed = try filters.map { try TopicFilter($0) }
        subscribers.withLock { $0.append(Subscriber(filters: parsed, continuation: continuation)) }
        return stream
    }

    /// Ends every subscription, so the drivers' services return.
    func close() {
        for subscriber in subscribers.withLock({ $0 }) { subscriber.continuation.finish() }
    }
}
