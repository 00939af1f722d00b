import Foundation
import HeliographCore
import HeliographMQTT
import HeliographMQTTCodec
import Logging
import Metrics
import NIOCore
import ServiceLifecycle
import Synchronization

/// A device whose readings arrive as MQTT messages (a Powervault P3, house or weather sensors).
///
/// As a `Service` it subscribes through the daemon's shared broker connection and folds every
/// message into the device's latest values (`decode` turns one message into field values). As a
/// `PolledDriver` it hands the poller one sample per interval holding those values when anything
/// new arrived, so validation, registration, availability and metrics work as for any other
/// device. A message that cannot be read is counted and skipped; values not refreshed within
/// `staleAfter` are dropped, and a device silent for that long is reported unavailable.
///
/// Whoever can publish to the topics decides how many fields arrive, so two caps bound what one
/// device can cost: values per message and distinct fields (series) per device. What is over a cap
/// is dropped, counted (`discardedValues`, in `/stats` and metrics) and logged once.
public final class MQTTSourceDriver: PolledDriver, DiscardCountingDriver, ArrivalSignallingDriver, Service {
    public typealias Decode = @Sendable (_ topic: String, _ payload: ByteBuffer) throws -> [FieldID: FieldValue]

    public struct Configuration: Sendable {
        /// Topic filters to subscribe to (wildcards allowed).
        public var filters: [String]
        /// Silence after which the device is unavailable and old values are dropped.
        public var staleAfter: Duration
        /// How long the first poll waits for a first message (retained ones arrive right after subscribing).
        public var firstMessageWait: Duration
        /// Messages waiting to be folded in; the oldest are dropped beyond this.
        public var queueLimit: Int
        /// Most values taken from one message (the first by field id); the rest are dropped.
        public var maximumFieldsPerMessage: Int
        /// Most distinct fields the device may have, declared ones included; new fields beyond are dropped.
        public var maximumSeries: Int

        public static let defaultMaximumFieldsPerMessage = 200
        public static let defaultMaximumSeries = 500

        public init(
            filters: [String], staleAfter: Duration = .seconds(300), firstMessageWait: Duration = .seconds(2), queueLimit: Int = 1_000,
            maximumFieldsPerMessage: Int = defaultMaximumFieldsPerMessage, maximumSeries: Int = defaultMaximumSeries
        ) {
            self.filters = filters
            self.staleAfter = staleAfter
            self.firstMessageWait = firstMessageWait
            self.queueLimit = max(1, queueLimit)
            self.maximumFieldsPerMessage = max(1, maximumFieldsPerMessage)
            self.maximumSeries = max(1, maximumSeries)
        }
    }

    /// Counters, for diagnostics and tests.
    public struct Statistics: Sendable, Hashable {
        public var received = 0
        /// Messages that could not be read; skipped.
        public var malformed = 0
        /// Values dropped because their message had more than `maximumFieldsPerMessage`.
        public var overFieldsPerMessage = 0
        /// Values dropped because they would have been a field beyond `maximumSeries`.
        public var overSeries = 0
        public var lastProblem: String?
    }

    /// Reasons under which capped values are counted, in `/stats` and `heliograph.samples.discarded`.
    public static let fieldsPerMessageReason = "fields_per_message_cap"
    public static let seriesReason = "series_cap"

    public let device: DeviceID
    public let configuration: Configuration
    private let template: DeviceDescriptor
    private let subscriber: any MQTTPublisher
    private let decode: Decode
    private let logger: Logger
    private let state: Mutex<State>
    private let discardCounters: (fieldsPerMessage: Counter, series: Counter)

    private struct State {
        var values: [FieldID: (value: FieldValue, at: ContinuousClock.Instant)] = [:]
        /// Every field the device has had: what `maximumSeries` counts.
        var series: Set<FieldID>
        var lastMessage: ContinuousClock.Instant?
        var fresh = false
        var statistics = Statistics()
        /// Told when a message arrives after none or after `staleAfter` of silence.
        var onArrival: (@Sendable () -> Void)?
    }

    /// - Parameters:
    ///   - descriptor: identity and the fields the device is known to report; fields seen on the
    ///     wire that it does not list are described from their values.
    public init(descriptor: DeviceDescriptor, subscriber: any MQTTPublisher, configuration: Configuration, logger: Logger, decode: @escaping Decode) {
        self.device = descriptor.id
        self.template = descriptor
        self.subscriber = subscriber
        self.configuration = configuration
        self.decode = decode
        var logger = logger
        logger[metadataKey: "device.id"] = "\(descriptor.id)"
        self.logger = logger
        state = Mutex(State(series: Set(descriptor.fields.map(\.id))))
        let counter = { (reason: String) in
            Counter(label: "heliograph.samples.discarded", dimensions: [("device", descriptor.id.rawValue), ("reason", reason)])
        }
        discardCounters = (counter(Self.fieldsPerMessageReason), counter(Self.seriesReason))
    }

    public var statistics: Statistics { state.withLock { $0.statistics } }

    public var discardedValues: [String: Int] {
        let statistics = self.statistics
        return [Self.fieldsPerMessageReason: statistics.overFieldsPerMessage, Self.seriesReason: statistics.overSeries].filter { $0.value > 0 }
    }

    public func onArrival(_ handler: @escaping @Sendable () -> Void) {
        state.withLock { $0.onArrival = handler }
    }

    // MARK: Service

    public func run() async throws {
        let messages = try await subscriber.subscribe(configuration.filters, qos: .atLeastOnce, bufferSize: configuration.queueLimit)
        for await message in messages.cancelOnGracefulShutdown() {
            ingest(message)
        }
    }

    /// Folds one message into the latest values (public for tests that feed messages directly).
    public func ingest(_ message: MQTTMessage) {
        let values: [FieldID: FieldValue]
        do {
            values = try decode(message.topic, message.payload)
        } catch {
            let first = state.withLock { state -> Bool in
                state.statistics.malformed += 1
                state.statistics.lastProblem = "\(message.topic): \(error)"
                return state.statistics.malformed == 1
            }
            // Loud once, then quiet: a device that keeps sending a shape we cannot read would flood the log.
            let metadata: Logger.Metadata = ["mqtt.topic": "\(message.topic)", "error": "\(error)"]
            if first { logger.warning("Skipping an MQTT message that cannot be read", metadata: metadata) } else { logger.debug("Skipping an MQTT message that cannot be read", metadata: metadata) }
            return
        }
        let now = ContinuousClock.now
        let (kept, overMessage) = capped(values)
        let (overSeries, firstOverflow, wake) = state.withLock { state -> (Int, (fieldsPerMessage: Bool, series: Bool), (@Sendable () -> Void)?) in
            let before = (state.statistics.overFieldsPerMessage, state.statistics.overSeries)
            let wasSilent = state.lastMessage.map { now - $0 > configuration.staleAfter } ?? true
            state.statistics.received += 1
            state.lastMessage = now
            var overSeries = 0
            // In field order, so which new fields still fit under the cap does not depend on hashing.
            for (field, value) in kept.sorted(by: { $0.key < $1.key }) {
                guard state.series.contains(field) || state.series.count < configuration.maximumSeries else {
                    overSeries += 1
                    continue
                }
                state.series.insert(field)
                state.values[field] = (value, now)
                state.fresh = true
            }
            state.statistics.overFieldsPerMessage += overMessage
            state.statistics.overSeries += overSeries
            let firstOverflow = (fieldsPerMessage: before.0 == 0 && overMessage > 0, series: before.1 == 0 && overSeries > 0)
            return (overSeries, firstOverflow, wasSilent && state.fresh ? state.onArrival : nil)
        }
        if overMessage > 0 { discardCounters.fieldsPerMessage.increment(by: overMessage) }
        if overSeries > 0 { discardCounters.series.increment(by: overSeries) }
        // Once per cap: whoever floods the topic would otherwise flood the log too.
        if firstOverflow.fieldsPerMessage {
            logger.warning("MQTT message has more fields than max_fields_per_message; the rest are dropped (counted in /stats)", metadata: [
                "mqtt.topic": "\(message.topic)", "mqtt.fields": "\(values.count)", "limit": "\(configuration.maximumFieldsPerMessage)",
            ])
        }
        if firstOverflow.series {
            logger.warning("Device reached max_series; values of further new fields are dropped (counted in /stats)", metadata: [
                "mqtt.topic": "\(message.topic)", "limit": "\(configuration.maximumSeries)",
            ])
        }
        wake?()
    }

    /// At most `maximumFieldsPerMessage` values, the first by field id, and how many were dropped.
    private func capped(_ values: [FieldID: FieldValue]) -> (kept: [FieldID: FieldValue], dropped: Int) {
        let limit = configuration.maximumFieldsPerMessage
        guard values.count > limit else { return (values, 0) }
        var kept: [FieldID: FieldValue] = [:]
        for field in values.keys.sorted().prefix(limit) { kept[field] = values[field] }
        return (kept, values.count - limit)
    }

    // MARK: PolledDriver

    public func describe(logger: Logger) async throws -> DeviceDescriptor {
        await waitForFirstMessage()
        let seen = state.withLock { $0.values.mapValues(\.value) }
        var descriptor = template
        let known = Set(template.fields.map(\.id))
        for (field, value) in seen.sorted(by: { $0.key < $1.key }) where !known.contains(field) {
            descriptor.fields.append(Self.describe(field, value))
        }
        return descriptor
    }

    public func poll(logger: Logger) async throws -> [Sample] {
        await waitForFirstMessage()
        let now = ContinuousClock.now
        let staleAfter = configuration.staleAfter
        let result = state.withLock { state -> Result<[FieldID: FieldValue]?, HeliographError> in
            guard let last = state.lastMessage else {
                return .failure(HeliographError(.deviceUnavailable, "no message on \(configuration.filters.joined(separator: ", ")) yet", device: device))
            }
            guard now - last <= staleAfter else {
                return .failure(HeliographError(.deviceUnavailable, "no message on \(configuration.filters.joined(separator: ", ")) for \(staleAfter)", device: device))
            }
            state.values = state.values.filter { now - $0.value.at <= staleAfter }
            guard state.fresh else { return .success(nil) }
            state.fresh = false
            return .success(state.values.mapValues(\.value))
        }
        guard let values = try result.get(), !values.isEmpty else { return [] }
        return [Sample(device: device, time: Date(), values: values)]
    }

    /// Retained messages arrive right after subscribing; give them a moment before the first poll.
    private func waitForFirstMessage() async {
        let deadline = ContinuousClock.now.advanced(by: configuration.firstMessageWait)
        while state.withLock({ $0.lastMessage == nil }), ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// A description for a field only known from its value.
    static func describe(_ field: FieldID, _ value: FieldValue) -> FieldDescriptor {
        let name = field.rawValue.replacingOccurrences(of: "_", with: " ").capitalizedFirst
        switch value {
        case .flag: return .flag(field, name)
        case .text: return .text(field, name, enumeration: false)
        case .number: return SensorUnits.describe(field, name: name)
        }
    }
}

extension String {
    fileprivate var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
