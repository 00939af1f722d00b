import HeliographCore
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

import struct Foundation.Date

/// Polls every `PolledDriver` on its own schedule, validates what comes back and publishes it.
///
/// One child task per device, so a hanging device delays nobody else. Each poll is bounded by the
/// device's timeout. After a failure the next attempt waits `interval × 2^(failures-1)` (capped at
/// `maximumBackoff`, with ±25 % jitter); a success returns to the normal interval. A driver whose
/// data arrives by itself (`ArrivalSignallingDriver`) cuts that wait short when data turns up. On the first
/// success the poller calls `describe`, hands the descriptor to the validator and registers it with
/// the store. Availability and counters are readable at any time through `status`.
public final class Poller: Service, Sendable {
    public struct Configuration: Sendable, Hashable {
        /// Longest wait between attempts while a device keeps failing.
        public var maximumBackoff: Duration
        /// Consecutive failures after which a device is reported unavailable.
        public var failuresBeforeUnavailable: Int
        /// Shortest time between the starts of two polls of one device when polls are requested
        /// (`requestPoll`), so a client asking repeatedly cannot hammer a slow serial inverter.
        public var minimumRequestedGap: Duration
        public var validation: Validator.Configuration

        public init(
            maximumBackoff: Duration = .seconds(300),
            failuresBeforeUnavailable: Int = 2,
            minimumRequestedGap: Duration = .seconds(1),
            validation: Validator.Configuration = Validator.Configuration()
        ) {
            self.maximumBackoff = maximumBackoff
            self.failuresBeforeUnavailable = max(1, failuresBeforeUnavailable)
            self.minimumRequestedGap = minimumRequestedGap
            self.validation = validation
        }
    }

    public let devices: [PolledDevice]
    public let configuration: Configuration
    private let bus: SampleBus
    private let store: (any SampleStore)?
    private let logger: Logger
    private let statuses: Mutex<[DeviceID: DeviceStatus]>
    /// Wakes one device's loop before its next scheduled poll (`requestPoll`).
    private let pollRequests: [DeviceID: WakeSignal]

    public init(
        devices: [PolledDevice],
        bus: SampleBus,
        store: (any SampleStore)?,
        configuration: Configuration = Configuration(),
        logger: Logger
    ) {
        self.devices = devices
        self.bus = bus
        self.store = store
        self.configuration = configuration
        self.logger = logger
        var initial: [DeviceID: DeviceStatus] = [:]
        for device in devices { initial[device.device] = DeviceStatus(device: device.device) }
        self.statuses = Mutex(initial)
        self.pollRequests = Dictionary(devices.map { ($0.device, WakeSignal()) }, uniquingKeysWith: { first, _ in first })
        for device in devices {
            guard let driver = device.driver as? any ArrivalSignallingDriver, let signal = pollRequests[device.device] else { continue }
            let id = device.device
            // Data after silence: a device backing off after failed polls is polled now, not minutes later.
            driver.onArrival { [weak self] in
                if let status = self?.status(of: id), status.consecutiveFailures > 0 { signal.signal() }
            }
        }
    }

    /// Asks for a poll now rather than at the next scheduled time, of one device or of all, and
    /// returns how many devices were asked. Requests made while a poll runs are coalesced into one
    /// poll right after it; a device is never polled more often than `minimumRequestedGap`.
    @discardableResult
    public func requestPoll(of device: DeviceID? = nil) -> Int {
        let signals = device.map { pollRequests[$0].map { [$0] } ?? [] } ?? Array(pollRequests.values)
        for signal in signals { signal.signal() }
        return signals.count
    }

    /// Every device's availability and counters, ordered by id.
    public var status: [DeviceStatus] { statuses.withLock { $0.values.sorted { $0.device < $1.device } } }

    public func status(of device: DeviceID) -> DeviceStatus? { statuses.withLock { $0[device] } }

    public func run() async throws {
        guard !devices.isEmpty else {
            // Nothing to poll (a node serving stored history, devices still to be added): a service
            // that returns early would stop the whole daemon, so stay until shutdown.
            logger.notice("No devices configured; nothing to poll")
            try? await gracefulShutdown()
            return
        }
        await withTaskGroup(of: Void.self) { group in
            for device in devices {
                group.addTask { await self.pollLoop(device) }
            }
        }
    }

    /// Registers devices found behind a gateway (a DTU's inverters) when they are new or changed,
    /// so the store's registry knows them (first seen) and the validator knows their fields.
    /// Last seen is kept by the store as their samples arrive.
    private func registerDiscovered(
        from gateway: any DeviceDiscoveringDriver,
        known: inout [DeviceID: DeviceDescriptor],
        validator: inout Validator,
        logger: Logger
    ) async {
        for descriptor in await gateway.discoveredDevices() where known[descriptor.id] != descriptor {
            validator.register(descriptor)
            bus.publish(descriptor)
            if let store {
                do {
                    try await store.register(descriptor)
                } catch {
                    logger.warning("Could not register a discovered device; will retry", metadata: ["discovered.id": "\(descriptor.id)", "error": "\(error)"])
                    continue
                }
            }
            known[descriptor.id] = descriptor
            logger.info("Discovered device", metadata: ["discovered.id": "\(descriptor.id)", "device.serial": "\(descriptor.serial ?? "-")"])
        }
    }

    private func pollLoop(_ device: PolledDevice) async {
        var logger = self.logger
        logger[metadataKey: "device.id"] = "\(device.device)"
        let metrics = DeviceMetrics(device: device.device)
        var validator = Validator(configuration: configuration.validation)
        var described = false
        var registered = store == nil
        var discovered: [DeviceID: DeviceDescriptor] = [:]
        var failures = 0
        let clock = ContinuousClock()
        var next = clock.now
        var lastStarted: ContinuousClock.Instant?
        let pollRequest = pollRequests[device.device] ?? WakeSignal()
        let minimumRequestedGap = configuration.minimumRequestedGap

        // Ends when graceful shutdown starts or the task is cancelled; a poll in progress finishes first.
        while !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { [next, lastStarted] in
                    await pollRequest.wait(until: next)
                    try Task.checkCancellation()
                    // Only a requested poll (woken before `next`) keeps the gap; a scheduled one follows
                    // the device's interval, sub-second ones included.
                    if let lastStarted, clock.now < next {
                        let earliest = min(lastStarted + minimumRequestedGap, next)
                        if clock.now < earliest { try await Task.sleep(until: earliest, clock: .continuous) }
                    }
                }
            } catch {
                break
            }
            // Requests that came in before this poll starts are answered by it.
            pollRequest.clear()
            let started = clock.now
            lastStarted = started
            updateStatus(device.device) { $0.lastAttempt = Date() }
            do {
                if !described {
                    let descriptor = try await withTimeout(device.timeout, "describe \(device.device)") { [driver = device.driver, logger] in
                        try await driver.describe(logger: logger)
                    }
                    validator.register(descriptor)
                    bus.publish(descriptor)
                    updateStatus(device.device) { $0.descriptor = descriptor }
                    described = true
                    logger.info("Device described", metadata: ["device.model": "\(descriptor.model)", "device.fields": "\(descriptor.fields.count)"])
                }
                if !registered, let store, let descriptor = status(of: device.device)?.descriptor {
                    do {
                        try await store.register(descriptor)
                        registered = true
                    } catch {
                        logger.warning("Could not register device with the store; will retry", metadata: ["error": "\(error)"])
                    }
                }
                let samples = try await withTimeout(device.timeout, "poll \(device.device)") { [driver = device.driver, logger] in
                    try await driver.poll(logger: logger)
                }
                if let gateway = device.driver as? any DeviceDiscoveringDriver {
                    await registerDiscovered(from: gateway, known: &discovered, validator: &validator, logger: logger)
                }
                var accepted: [Sample] = []
                var rejected: [DiscardReason: Int] = [:]
                for sample in samples {
                    let outcome = validator.validate(sample)
                    if let kept = outcome.sample { accepted.append(kept) }
                    for rejection in outcome.rejections { rejected[rejection.reason, default: 0] += 1 }
                }
                for (reason, count) in rejected {
                    metrics.discarded(reason).increment(by: count)
                    logger.debug("Validation rejected values", metadata: ["validation.reason": "\(reason)", "validation.count": "\(count)"])
                }
                // Per poll, for the crash and outage drills (and anyone tracing data flow): what went to the sinks.
                logger.trace(
                    "Polled",
                    metadata: ["poll.samples": "\(accepted.count)", "sample.times_ms": "\(accepted.map { Self.milliseconds($0.time) })"]
                )
                bus.publish(accepted)
                failures = 0
                let wasAvailable = status(of: device.device)?.availability
                updateStatus(device.device) { status in
                    status.availability = .online
                    status.lastSuccess = Date()
                    status.lastError = nil
                    status.consecutiveFailures = 0
                    status.polls += 1
                    status.discarded.merge(rejected.map { ($0.key.rawValue, $0.value) }, uniquingKeysWith: +)
                }
                if wasAvailable == .unavailable { logger.info("Device is back online") }
                metrics.polls.increment()
                metrics.success.record(1)
                let elapsed = clock.now - started
                metrics.duration.recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
                next = started.advanced(by: device.interval)
                if next < clock.now { next = clock.now }  // skip polls missed while this one was slow
            } catch {
                if Task.isCancelled { break }
                failures += 1
                let becameUnavailable = failures == configuration.failuresBeforeUnavailable
                updateStatus(device.device) { status in
                    status.polls += 1
                    status.failures += 1
                    status.consecutiveFailures = failures
                    status.lastError = "\(error)"
                    if failures >= configuration.failuresBeforeUnavailable { status.availability = .unavailable }
                }
                metrics.polls.increment()
                metrics.failures.increment()
                metrics.success.record(0)
                let delay = Self.backoff(failures: failures, interval: device.interval, maximum: configuration.maximumBackoff)
                if becameUnavailable {
                    logger.warning("Device unavailable", metadata: ["error": "\(error)", "poll.retry_in": "\(delay)"])
                } else {
                    logger.debug("Poll failed", metadata: ["error": "\(error)", "poll.retry_in": "\(delay)"])
                }
                next = clock.now.advanced(by: delay)
            }
        }
    }

    private func updateStatus(_ device: DeviceID, _ change: (inout DeviceStatus) -> Void) {
        statuses.withLock { statuses in
            var status = statuses[device] ?? DeviceStatus(device: device)
            change(&status)
            statuses[device] = status
        }
    }

    /// A sample time in whole milliseconds since 1970, the resolution every store keeps.
    static func milliseconds(_ time: Date) -> Int64 { Int64((time.timeIntervalSince1970 * 1_000).rounded()) }

    /// Delay before the next attempt after `failures` consecutive failures.
    static func backoff(failures: Int, interval: Duration, maximum: Duration) -> Duration {
        let exponent = min(max(failures - 1, 0), 20)
        let base = min(interval * (1 << exponent), maximum)
        return base * Double.random(in: 0.75...1.25)
    }
}

/// The swift-metrics instruments of one device, built once.
private struct DeviceMetrics {
    let device: DeviceID
    let polls: Counter
    let failures: Counter
    let success: Gauge
    let duration: Metrics.Timer

    init(device: DeviceID) {
        self.device = device
        let dimensions = [("device", device.rawValue)]
        polls = Counter(label: "heliograph.poll.total", dimensions: dimensions)
        failures = Counter(label: "heliograph.poll.failures", dimensions: dimensions)
        success = Gauge(label: "heliograph.poll.success", dimensions: dimensions)
        duration = Metrics.Timer(label: "heliograph.poll.duration", dimensions: dimensions)
    }

    func discarded(_ reason: DiscardReason) -> Counter {
        Counter(label: "heliograph.samples.discarded", dimensions: [("device", device.rawValue), ("reason", reason.rawValue)])
    }
}
