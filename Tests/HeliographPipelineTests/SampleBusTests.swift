import Foundation
import HeliographCore
import HeliographTesting
import Logging
import ServiceLifecycle
import Testing

@testable import HeliographPipeline

@Suite("SampleBus and SinkRunner")
struct SampleBusTests {
    func withRunningBus(_ bus: SampleBus, _ body: () async throws -> Void) async throws {
        try await withRunningServices([bus], body)
    }


    @Test("every sink receives every batch, in order")
    func fanOut() async throws {
        let first = RecordingSink(name: "first")
        let second = RecordingSink(name: "second")
        let bus = SampleBus(sinks: [first, second], configuration: .init(batchSize: 3, flushInterval: .milliseconds(50)), logger: quietLogger)
        try await withRunningBus(bus) {
            for index in 0..<10 { bus.publish([sample(index)]) }
            try await eventually(timeout: patience, "both sinks got 10 samples") { first.samples.count == 10 && second.samples.count == 10 }
        }
        #expect(first.samples == (0..<10).map { sample($0) })
        #expect(second.samples == first.samples)
        #expect(bus.statistics.map(\.written) == [10, 10])
    }

    @Test("a slow sink stalls neither publishing nor the other sinks")
    func slowSinkDoesNotStall() async throws {
        let slow = RecordingSink(name: "slow", blocked: true)
        let fast = RecordingSink(name: "fast")
        let bus = SampleBus(sinks: [slow, fast], configuration: .init(batchSize: 10, flushInterval: .milliseconds(20)), logger: quietLogger)
        try await withRunningBus(bus) {
            let clock = ContinuousClock()
            let started = clock.now
            for index in 0..<100 { bus.publish([sample(index)]) }
            // Publishing only appends to buffers: 100 publishes finish while the slow sink is stuck in write.
            #expect(clock.now - started < .seconds(5))
            try await eventually(timeout: patience, "fast sink got everything while the slow one is blocked") { fast.samples.count == 100 }
            #expect(slow.samples.isEmpty)
            slow.release()
            try await eventually(timeout: patience, "slow sink catches up once released") { slow.samples.count == 100 }
        }
        #expect(slow.samples == fast.samples)
    }

    @Test("a full buffer drops the oldest samples and counts them")
    func dropOldest() async throws {
        let blocked = RecordingSink(name: "blocked", blocked: true)
        let bus = SampleBus(sinks: [blocked], configuration: .init(capacity: 5, batchSize: 1, flushInterval: .milliseconds(10)), logger: quietLogger)
        try await withRunningBus(bus) {
            bus.publish([sample(0)])
            // Wait until the runner holds sample 0 in a write that cannot finish.
            try await eventually(timeout: patience, "runner took the first batch") { bus.statistics[0].buffered == 0 }
            for index in 1...12 { bus.publish([sample(index)]) }
            let statistics = bus.statistics[0]
            #expect(statistics.buffered == 5)
            #expect(statistics.dropped == 7)
            blocked.release()
            try await eventually(timeout: patience, "the rest is written") { blocked.samples.count == 6 }
        }
        // Sample 0 was in flight; of 1...12 only the newest five survive.
        #expect(blocked.samples == [0, 8, 9, 10, 11, 12].map { sample($0) })
    }

    @Test("write errors are counted and the batch is retried in order")
    func retryAfterErrors() async throws {
        let flaky = RecordingSink(name: "flaky", failFirst: 2)
        let bus = SampleBus(
            sinks: [flaky],
            configuration: .init(batchSize: 10, flushInterval: .milliseconds(10), initialBackoff: .milliseconds(10)),
            logger: quietLogger
        )
        try await withRunningBus(bus) {
            bus.publish((0..<4).map { sample($0) })
            try await eventually(timeout: patience, "written after two failures") { flaky.samples.count == 4 }
        }
        let statistics = bus.statistics[0]
        #expect(statistics.writeErrors == 2)
        #expect(statistics.lastError?.contains("deliberate failure") == true)
        #expect(flaky.writes == 3)
        #expect(flaky.samples == (0..<4).map { sample($0) })
    }

    @Test("samples are written within the flush interval even when the batch is not full")
    func flushInterval() async throws {
        let sink = RecordingSink()
        let bus = SampleBus(sinks: [sink], configuration: .init(batchSize: 1_000, flushInterval: .milliseconds(100)), logger: quietLogger)
        try await withRunningBus(bus) {
            let clock = ContinuousClock()
            let started = clock.now
            bus.publish([sample(1)])
            try await eventually(timeout: patience, "flushed") { sink.samples.count == 1 }
            // Not immediately: it waited for the batch to fill, up to the interval.
            #expect(clock.now - started >= .milliseconds(90))
        }
    }

    @Test("graceful shutdown drains what is buffered")
    func drainOnShutdown() async throws {
        let sink = RecordingSink(delay: .milliseconds(5))
        // What is asserted is that everything buffered is drained, not how fast: the drain window
        // is wide so a loaded machine (the full suite shares 2 cores) cannot cut it short.
        let bus = SampleBus(sinks: [sink], configuration: .init(batchSize: 7, flushInterval: .seconds(1), drainTimeout: .seconds(60)), logger: quietLogger)
        try await withRunningBus(bus) {
            for index in 0..<50 { bus.publish([sample(index)]) }
        }
        #expect(sink.samples == (0..<50).map { sample($0) })
    }

    @Test("flush interval is capped at one second")
    func flushIntervalCap() {
        #expect(SinkRunner.Configuration(flushInterval: .seconds(30)).flushInterval == .seconds(1))
    }

    @Test("retry backoff grows and stays within its bounds")
    func backoffBounds() {
        for failures in 1...30 {
            let delay = SinkRunner.backoff(failures: failures, initial: .milliseconds(100), maximum: .seconds(5))
            let base = min(Duration.milliseconds(100) * (1 << min(failures - 1, 20)), .seconds(5))
            #expect(delay >= base * 0.5 && delay <= base)
        }
    }
}

@Suite("Live feed")
struct LiveFeedTests {
    @Test("every subscriber sees every published sample")
    func broadcast() async throws {
        let bus = SampleBus(sinks: [], logger: quietLogger)
        let first = bus.subscribe()
        let second = bus.subscribe()
        #expect(bus.subscriberCount == 2)
        bus.publish([sample(1), sample(2)])
        var a = first.makeAsyncIterator()
        var b = second.makeAsyncIterator()
        #expect(await a.next() == sample(1))
        #expect(await a.next() == sample(2))
        #expect(await b.next() == sample(1))
        #expect(await b.next() == sample(2))
    }

    @Test("a lagging subscriber loses the oldest samples, not the newest")
    func laggingDropsOldest() async throws {
        let bus = SampleBus(sinks: [], liveBufferSize: 3, logger: quietLogger)
        let stream = bus.subscribe()
        for index in 0..<10 { bus.publish([sample(index)]) }
        var iterator = stream.makeAsyncIterator()
        var received: [Sample] = []
        for _ in 0..<3 { if let next = await iterator.next() { received.append(next) } }
        #expect(received == [7, 8, 9].map { sample($0) })
    }

    @Test("a cancelled subscription is removed")
    func unsubscribe() async throws {
        let bus = SampleBus(sinks: [], logger: quietLogger)
        let task = Task {
            for await _ in bus.subscribe() {}
        }
        try await eventually(timeout: patience, "subscribed") { bus.subscriberCount == 1 }
        task.cancel()
        try await eventually(timeout: patience, "unsubscribed") { bus.subscriberCount == 0 }
    }
}
