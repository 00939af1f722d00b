import Foundation
import HeliographCore
import HeliographTesting
import Logging
import ServiceLifecycle
import Testing

@testable import HeliographPipeline

@Suite("Poller")
struct PollerTests {
    func withRunning(_ bus: SampleBus, _ poller: Poller, _ body: () async throws -> Void) async throws {
        try await withRunningServices([bus, poller], body)
    }


    func makeBus(_ sink: any SampleSink) -> SampleBus {
        SampleBus(sinks: [sink], configuration: .init(batchSize: 1, flushInterval: .milliseconds(10)), logger: quietLogger)
    }

    @Test("polls on schedule, describes once, registers with the store, publishes validated samples")
    func happyPath() async throws {
        let store = RecordingStore()
        let driver = ScriptedDriver(device: "inv", script: [.reading(["pv_power_w": 500, "battery_soc_pct": 50])])
        let bus = makeBus(store)
        let poller = Poller(devices: [PolledDevice(driver: driver, interval: .milliseconds(50), timeout: .seconds(1))], bus: bus, store: store, logger: quietLogger)
        try await withRunning(bus, poller) {
            try await eventually(timeout: patience, "three samples stored") { store.samples.count >= 3 }
            let status = try #require(poller.status(of: "inv"))
            #expect(status.availability == .online)
            #expect(status.lastSuccess != nil)
            #expect(status.polls >= 3)
            #expect(status.failures == 0)
            #expect(status.descriptor?.model == "Scripted")
        }
        #expect(driver.describes == 1)
        #expect(store.registered.map(\.id) == ["inv"])
        #expect(store.samples.allSatisfy { $0.values == ["pv_power_w": 500, "battery_soc_pct": 50] })
    }

    @Test("failures mark the device unavailable with the error, and success brings it back")
    func availability() async throws {
        let store = RecordingStore()
        let driver = ScriptedDriver(
            device: "inv",
            script: [.reading(["pv_power_w": 1]), .failure, .failure, .failure, .reading(["pv_power_w": 2])]
        )
        let bus = makeBus(store)
        let poller = Poller(
            devices: [PolledDevice(driver: driver, interval: .milliseconds(20), timeout: .seconds(1))],
            bus: bus,
            store: store,
            configuration: .init(maximumBackoff: .milliseconds(60), failuresBeforeUnavailable: 2),
            logger: quietLogger
        )
        try await withRunning(bus, poller) {
            try await eventually(timeout: patience, "unavailable") { poller.status(of: "inv")?.availability == .unavailable }
            let down = try #require(poller.status(of: "inv"))
            #expect(down.lastError?.contains("scripted failure") == true)
            #expect(down.consecutiveFailures >= 2)
            try await eventually(timeout: patience, "back online") { poller.status(of: "inv")?.availability == .online }
            let up = try #require(poller.status(of: "inv"))
            #expect(up.failures == 3)
            #expect(up.lastError == nil)
            #expect(up.consecutiveFailures == 0)
        }
    }

    @Test("a hanging poll times out and does not delay other devices")
    func timeoutIsolatesDevices() async throws {
        let store = RecordingStore()
        let hanging = ScriptedDriver(device: "stuck", script: [.hang])
        let healthy = ScriptedDriver(device: "ok", script: [.reading(["pv_power_w": 7])])
        let bus = makeBus(store)
        let poller = Poller(
            devices: [
                PolledDevice(driver: hanging, interval: .milliseconds(20), timeout: .milliseconds(100)),
                PolledDevice(driver: healthy, interval: .milliseconds(20), timeout: .milliseconds(100)),
            ],
            bus: bus,
            store: store,
            configuration: .init(maximumBackoff: .milliseconds(100), failuresBeforeUnavailable: 1),
            logger: quietLogger
        )
        try await withRunning(bus, poller) {
            try await eventually(timeout: patience, "healthy device stored 5 samples") { store.samples.filter { $0.device == "ok" }.count >= 5 }
            try await eventually(timeout: patience, "stuck device unavailable") { poller.status(of: "stuck")?.availability == .unavailable }
            #expect(poller.status(of: "stuck")?.lastError?.contains("timeout") == true)
        }
        #expect(store.samples.allSatisfy { $0.device == "ok" })
    }

    @Test("validation rejections are counted per device and never reach sinks")
    func discardedCounted() async throws {
        let store = RecordingStore()
        let driver = ScriptedDriver(
            device: "inv",
            script: [.reading(["pv_power_w": 500, "battery_soc_pct": 0, "battery_voltage_v": 0])]
        )
        let bus = makeBus(store)
        let poller = Poller(devices: [PolledDevice(driver: driver, interval: .milliseconds(20))], bus: bus, store: store, logger: quietLogger)
        try await withRunning(bus, poller) {
            try await eventually(timeout: patience, "three discarded") { (poller.status(of: "inv")?.discarded[DiscardReason.zeroBattery.rawValue] ?? 0) >= 3 }
        }
        #expect(store.samples.isEmpty)
        #expect(poller.status(of: "inv")?.availability == .online)
    }

    @Test("a requested poll runs before the next scheduled one, only for the device asked")
    func requestedPoll() async throws {
        let store = RecordingStore()
        let asked = ScriptedDriver(device: "asked", script: [.reading(["pv_power_w": 1])])
        let other = ScriptedDriver(device: "other", script: [.reading(["pv_power_w": 2])])
        let bus = makeBus(store)
        let poller = Poller(
            devices: [
                PolledDevice(driver: asked, interval: .seconds(3_600), timeout: .seconds(5)),
                PolledDevice(driver: other, interval: .seconds(3_600), timeout: .seconds(5)),
            ],
            bus: bus,
            store: store,
            configuration: .init(minimumRequestedGap: .zero),
            logger: quietLogger
        )
        try await withRunning(bus, poller) {
            try await eventually(timeout: patience, "first scheduled polls") { asked.polls == 1 && other.polls == 1 }
            #expect(poller.requestPoll(of: "asked") == 1)
            try await eventually(timeout: patience, "requested poll stored") { store.samples.filter { $0.device == "asked" }.count == 2 }
            #expect(poller.requestPoll(of: "missing") == 0)
            #expect(poller.requestPoll() == 2)
            try await eventually(timeout: patience, "both polled again") { asked.polls == 3 && other.polls == 2 }
        }
        #expect(poller.status(of: "asked")?.polls == 3)
    }

    @Test("requests in a burst are coalesced and spaced by the minimum gap")
    func requestedPollsAreSpaced() async throws {
        let store = RecordingStore()
        let driver = ScriptedDriver(device: "inv", script: [.reading(["pv_power_w": 1])])
        let bus = makeBus(store)
        let gap = Duration.seconds(1)
        let poller = Poller(
            devices: [PolledDevice(driver: driver, interval: .seconds(3_600), timeout: .seconds(5))],
            bus: bus,
            store: store,
            configuration: .init(minimumRequestedGap: gap),
            logger: quietLogger
        )
        try await withRunning(bus, poller) {
            try await eventually(timeout: patience, "first scheduled poll") { store.samples.count == 1 }
            for _ in 0..<20 { poller.requestPoll() }
            try await eventually(timeout: patience, "requested poll stored") { store.samples.count == 2 }
            for _ in 0..<20 { poller.requestPoll() }
            try await eventually(timeout: patience, "second requested poll stored") { store.samples.count == 3 }
        }
        // Forty requests in two bursts gave two polls, each a gap after the one before. The poller
        // spaces the starts of polls; the driver stamps samples a little later, by however long the
        // task waited for a core, so only half the gap is asserted (an unspaced poll comes in ms).
        #expect(driver.polls == 3)
        let times = store.samples.map(\.time)
        for (earlier, later) in zip(times, times.dropFirst()) {
            #expect(later.timeIntervalSince(earlier) >= 0.5)
        }
    }

    @Test("a sub-second interval is honoured, not raised to the requested-poll gap")
    func subSecondInterval() async throws {
        let store = RecordingStore()
        let driver = ScriptedDriver(device: "fast", script: [.reading(["pv_power_w": 1])])
        let bus = makeBus(store)
        let poller = Poller(
            devices: [PolledDevice(driver: driver, interval: .milliseconds(200), timeout: .seconds(1))], bus: bus, store: store,
            configuration: .init(minimumRequestedGap: .seconds(1)), logger: quietLogger)
        try await withRunning(bus, poller) {
            try await eventually(timeout: patience, "the first poll") { driver.polls >= 1 }
            let clock = ContinuousClock()
            let started = clock.now
            // Ten more polls take 2 s at 200 ms; held to the 1 s gap they would take 10 s.
            try await eventually(timeout: .seconds(8), "ten more polls") { driver.polls >= 11 }
            #expect(clock.now - started < .seconds(6), "polled every 200 ms, not every second: \(clock.now - started)")
        }
    }

    @Test("a push device backing off is polled as soon as data arrives, not at its next back-off slot")
    func arrivalEndsTheBackoff() async throws {
        let store = RecordingStore()
        let driver = ArrivingDriver(device: "push")
        let bus = makeBus(store)
        let poller = Poller(
            devices: [PolledDevice(driver: driver, interval: .milliseconds(50), timeout: .seconds(1))], bus: bus, store: store,
            configuration: .init(maximumBackoff: .seconds(600), minimumRequestedGap: .milliseconds(100)), logger: quietLogger)
        try await withRunning(bus, poller) {
            try await eventually(timeout: .seconds(20), "backing off") { (poller.status(of: "push")?.consecutiveFailures ?? 0) >= 8 }
            // After 8 failures the next slot is 50 ms × 2^7 × (0.75...1.25) ≥ 4.8 s after the last attempt.
            let lastAttempt = try #require(poller.status(of: "push")?.lastAttempt)
            driver.arrive(["pv_power_w": 7])
            try await eventually(timeout: .seconds(20), "the reading is stored") { !store.samples.isEmpty }
            let success = try #require(poller.status(of: "push")?.lastSuccess)
            #expect(success.timeIntervalSince(lastAttempt) < 4.8, "polled on arrival: \(success.timeIntervalSince(lastAttempt)) s after the last failure")
        }
    }

    @Test("backoff doubles from the interval up to the cap, with jitter")
    func backoff() {
        for failures in 1...12 {
            let delay = Poller.backoff(failures: failures, interval: .seconds(10), maximum: .seconds(300))
            let base = min(Duration.seconds(10) * (1 << (failures - 1)), .seconds(300))
            #expect(delay >= base * 0.75 && delay <= base * 1.25)
        }
    }
}
