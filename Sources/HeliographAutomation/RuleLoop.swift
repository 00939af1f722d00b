import HeliographCore
import ServiceLifecycle

/// The loop both rule services (alerts, load switching) run: every sample of the live feed and every
/// `tick` (for conditions that change with time alone) goes to the rules, and what they decide goes,
/// in order, to one sender task that also drains what is queued after the inputs stopped.
struct RuleLoop<Output: Sendable>: Sendable {
    private let queue: (stream: AsyncStream<Output>, continuation: AsyncStream<Output>.Continuation)

    init() {
        queue = AsyncStream.makeStream(of: Output.self)
    }

    /// Queues an output for the sender. Call it under the service's lock, so outputs keep the order
    /// the rules produced them in.
    func yield(_ output: Output) {
        queue.continuation.yield(output)
    }

    /// Runs until graceful shutdown or cancellation, then sends what is still queued.
    /// - Parameters:
    ///   - take: records a sample and evaluates the rules.
    ///   - evaluate: evaluates the rules at the current time, without a new sample.
    ///   - send: carries one output out (publish, notify); outputs come one at a time, in order.
    func run(
        feed: any LiveFeed,
        tick: Duration,
        take: @escaping @Sendable (Sample) -> Void,
        evaluate: @escaping @Sendable () -> Void,
        send: @escaping @Sendable (Output) async -> Void
    ) async {
        await withTaskGroup(of: Void.self) { group in
            // The sender drains everything queued, also after the inputs stopped (graceful shutdown).
            group.addTask {
                for await output in queue.stream { await send(output) }
            }
            await withTaskGroup(of: Void.self) { inputs in
                inputs.addTask {
                    for await sample in feed.subscribe().cancelOnGracefulShutdown() { take(sample) }
                }
                inputs.addTask {
                    while !Task.isCancelled {
                        do {
                            try await cancelWhenGracefulShutdown { try await Task.sleep(for: tick) }
                        } catch {
                            break
                        }
                        evaluate()
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
