import HeliographCore
import ServiceLifecycle
import Synchronization

import struct Foundation.Date

/// A pure rule engine the rule loop drives: the readings so far and the time in, decisions out.
protocol RuleEngine: Sendable {
    associatedtype Decision: Sendable
    mutating func evaluate(readings: Readings, now: Date) -> [Decision]
}

extension AlertEngine: RuleEngine {}
extension SwitchEngine: RuleEngine {}

/// The loop both rule services (alerts, load switching) run: every sample of the live feed and every
/// `tick` (for conditions that change with time alone) goes to the engine, and the decisions go, in
/// order, to one sender task that also drains what is queued after the inputs stopped.
final class RuleLoop<Engine: RuleEngine>: Sendable {
    /// Picks, from the decisions of one evaluation, those to send; runs under the loop's lock, so a
    /// service can record them (history, log) in the order they were taken.
    typealias Accept = @Sendable ([Engine.Decision]) -> [Engine.Decision]

    private let feed: any LiveFeed
    private let tick: Duration
    private let now: @Sendable () -> Date
    private let state: Mutex<(engine: Engine, readings: Readings)>
    private let queue: (stream: AsyncStream<Engine.Decision>, continuation: AsyncStream<Engine.Decision>.Continuation)

    init(engine: Engine, feed: any LiveFeed, tick: Duration, now: @escaping @Sendable () -> Date) {
        self.feed = feed
        self.tick = tick
        self.now = now
        self.state = Mutex((engine, Readings()))
        self.queue = AsyncStream.makeStream(of: Engine.Decision.self)
    }

    /// Records a sample, evaluates the rules and queues what `accept` keeps.
    func take(_ sample: Sample, accept: Accept) {
        state.withLock { state in
            state.readings.record(sample)
            queue(accept(state.engine.evaluate(readings: state.readings, now: now())))
        }
    }

    /// Evaluates the rules at the current time, without a new sample, and queues what `accept` keeps.
    func evaluate(accept: Accept) {
        state.withLock { state in queue(accept(state.engine.evaluate(readings: state.readings, now: now()))) }
    }

    /// Reads the engine's state (what is firing, what is switched on).
    func withEngine<Result>(_ body: (Engine) -> Result) -> Result {
        state.withLock { body($0.engine) }
    }

    private func queue(_ decisions: [Engine.Decision]) {
        for decision in decisions { queue.continuation.yield(decision) }
    }

    /// Runs until graceful shutdown or cancellation, then sends what is still queued.
    /// - Parameter send: carries one decision out (publish, notify); decisions come one at a time, in order.
    func run(accept: @escaping Accept, send: @escaping @Sendable (Engine.Decision) async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            // The sender drains everything queued, also after the inputs stopped (graceful shutdown).
            group.addTask {
                for await decision in self.queue.stream { await send(decision) }
            }
            await withTaskGroup(of: Void.self) { inputs in
                inputs.addTask {
                    for await sample in self.feed.subscribe().cancelOnGracefulShutdown() { self.take(sample, accept: accept) }
                }
                inputs.addTask {
                    while !Task.isCancelled {
                        do {
                            try await cancelWhenGracefulShutdown { try await Task.sleep(for: self.tick) }
                        } catch {
                            break
                        }
                        self.evaluate(accept: accept)
                    }
                }
                await inputs.next()
                inputs.cancelAll()
            }
            queue.continuation.finish()
            await group.waitForAll()
        }
    }
}
