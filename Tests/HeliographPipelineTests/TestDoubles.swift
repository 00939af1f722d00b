import Foundation
import HeliographCore
import Logging
import ServiceLifecycle
import Synchronization

/// Remembers every sample written to it; optionally slow, failing, or blocked until released.
final class RecordingSink: SampleSink, Sendable {
    let name: String
    private let delay: Duration
    private let state = Mutex<(samples: [Sample], writes: Int, failuresLeft: Int)>(([], 0, 0))
    private let gate = Mutex<[CheckedContinuation<Void, Never>]?>(nil)

    init(name: String = "recording", delay: Duration = .zero, failFirst: Int = 0, blocked: Bool = false) {
        self.name = name
        self.delay = delay
        state.withLock { $0.failuresLeft = failFirst }
        if blocked { gate.withLock { $0 = [] } }
    }

    var samples: [Sample] { state.withLock { $0.samples } }
    var writes: Int { state.withLock { $0.writes } }

    /// Lets blocked writes proceed, now and from now on.
    func release() {
        let waiters = gate.withLock { gate in
            defer { gate = nil }
            return gate ?? []
        }
        for waiter in waiters { waiter.resume() }
    }

    func write(_ samples: [Sample]) async throws {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let wait = gate.withLock { gate -> Bool in
                guard gate != nil else { return false }
                gate!.append(continuation)
                return true
            }
            if !wait { continuation.resume() }
        }
        if delay > .zero { try await Task.sleep(for: delay) }
        try state.withLock { state in
            state.writes += 1
            if state.failuresLeft > 0 {
                state.failuresLeft -= 1
                throw HeliographError(.storageFailure, "deliberate failure")
            }
            state.samples.append(contentsOf: samples)
        }
    }
}

/// A store that only records registrations and writes.
final class RecordingStore: SampleStore, Sendable {
    let name = "store"
    private let state = Mutex<(registered: [DeviceDescriptor], samples: [Sample])>(([], []))

    var registered: [DeviceDescriptor] { state.withLock { $0.registered } }
    var samples: [Sample] { state.withLock { $0.samples } }

    func write(_ samples: [Sample]) async throws { state.withLock { $0.samples.append(contentsOf: samples) } }
    func register(_ descriptor: DeviceDescriptor) async throws { state.withLock { $0.registered.append(descriptor) } }
    func devices() async throws -> [RegisteredDevice] { [] }
    func latestReadings(device: DeviceID) async throws -> LatestReadings? { nil }
    func points(_ series: SeriesKey, from: Date, to: Date) async throws -> [Point] { [] }
    func aggregates(_ series: SeriesKey, from: Date, to: Date, step: Rollup) async throws -> [AggregatePoint] { [] }
    func dailyEnergy(device: DeviceID, field: FieldID, from: Date, to: Date) async throws -> [DailyEnergy] { [] }
    func series() async throws -> [SeriesKey] { [] }
    func statistics() async throws -> StoreStatistics { StoreStatistics(bytesOnDisk: 0, series: 0, points: 0, oldest: nil, newest: nil) }
}

/// A driver that answers from a script: each poll takes the next behaviour, the last one repeats.
final class ScriptedDriver: PolledDriver, Sendable {
    enum Behaviour: Sendable {
        case reading([FieldID: FieldValue])
        case failure
        case hang
    }

    let device: DeviceID
    private let script: [Behaviour]
    private let state = Mutex<(polls: Int, describes: Int)>((0, 0))

    init(device: DeviceID, script: [Behaviour]) {
        self.device = device
        self.script = script
    }

    var polls: Int { state.withLock { $0.polls } }
    var describes: Int { state.withLock { $0.describes } }

    func describe(logger: Logger) async throws -> DeviceDescriptor {
        state.withLock { $0.describes += 1 }
        return DeviceDescriptor(kind: "test", id: device, manufacturer: "Test", model: "Scripted", fields: [CommonFields.pvPower, CommonFields.batterySOC])
    }

    func poll(logger: Logger) async throws -> [Sample] {
        let index = state.withLock { state -> Int in
            defer { state.polls += 1 }
            return state.polls
        }
        switch script[min(index, script.count - 1)] {
        case .reading(let values):
            return [Sample(device: device, time: Date(), values: values)]
        case .failure:
            throw HeliographError(.timeout, "scripted failure", device: device)
        case .hang:
            try await Task.sleep(for: .seconds(3_600))
            return []
        }
    }
}

func sample(_ index: Int, device: DeviceID = "inverter") -> Sample {
    Sample(device: device, time: Date(timeIntervalSince1970: 1_800_000_000 + Double(index)), values: ["pv_power_w": .number(Double(index))])
}

let quietLogger: Logger = {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return logger
}()

/// Runs `services` as one group for the duration of `body`, then shuts them down gracefully and waits.
func withRunningServices(_ services: [any Service], _ body: () async throws -> Void) async throws {
    let group = ServiceGroup(services: services, logger: quietLogger)
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            try await body()
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

/// How long to wait for an expected event. Generous: the suite shares 2 cores with CPU-heavy suites
/// (fuzzing, storage), which can starve the cooperative pool for seconds; passing tests never wait this long.
let patience: Duration = .seconds(45)

/// A push device (like an MQTT source): polls fail until `arrive` hands it a reading, which it
/// announces through the poller's arrival handler.
final class ArrivingDriver: ArrivalSignallingDriver, Sendable {
    let device: DeviceID
    private let state = Mutex<(reading: [FieldID: FieldValue]?, handler: (@Sendable () -> Void)?)>((nil, nil))

    init(device: DeviceID) { self.device = device }

    func onArrival(_ handler: @escaping @Sendable () -> Void) { state.withLock { $0.handler = handler } }

    func arrive(_ values: [FieldID: FieldValue]) {
        let handler = state.withLock { state in
            state.reading = values
            return state.handler
        }
        handler?()
    }

    func describe(logger: Logger) async throws -> DeviceDescriptor {
        DeviceDescriptor(kind: "test", id: device, manufacturer: "Test", model: "Arriving", fields: [CommonFields.pvPower])
    }

    func poll(logger: Logger) async throws -> [Sample] {
        guard let values = state.withLock({ $0.reading }) else { throw HeliographError(.deviceUnavailable, "nothing arrived yet", device: device) }
        return [Sample(device: device, time: Date(), values: values)]
    }
}
