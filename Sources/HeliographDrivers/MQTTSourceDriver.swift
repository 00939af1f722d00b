import Foundation
import HeliographCore
import HeliographMQTT
import HeliographMQTTCodec
import Logging
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
public final class MQTTSourceDriver: PolledDriver, Service {
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

        public init(filters: [String], staleAfter: Duration = .seconds(300), firstMessageWait: Duration = .seconds(2), queueLimit: Int = 1_000) {
            self.filters = filters
            self.staleAfter = staleAfter
            self.firstMessageWait = firstMessageWait
            self.queueLimit = max(1, queueLimit)
        }
    }

    /// Counters, for diagnostics and tests.
    public struct Statistics: Sendable, Hashable {
        public var received = 0
        /// Messages that could not be read; skipped.
        public var malformed = 0
        public var lastProblem: String?
    }

    public let device: DeviceID
    public let configuration: Configuration
    private let template: DeviceDescriptor
    private let subscriber: any MQTTPublisher
    private let decode: Decode
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var values: [FieldID: (value: FieldValue, at: ContinuousClock.Instant)] = [:]
        var lastMessage: ContinuousClock.Instant?
        var fresh = false
        var statistics = Statistics()
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
    }

    public var statistics: Statistics { state.withLock { $0.statistics } }

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
        state.withLock { state in
            state.statistics.received += 1
            state.lastMessage = now
            for (field, value) in values { state.values[field] = (value, now) }
            if !values.isEmpty { state.fresh = true }
        }
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
