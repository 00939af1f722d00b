/// Hands every validated sample to whoever is watching right now (WebSocket clients, rules).
///
/// A subscriber that falls behind loses the oldest samples, never blocks the pipeline.
public protocol LiveFeed: Sendable {
    func subscribe() -> AsyncStream<Sample>
}
