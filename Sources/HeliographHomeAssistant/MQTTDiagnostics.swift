import Foundation
import HeliographCore
import HeliographPipeline
import Logging
import ServiceLifecycle

/// Publishes the daemon's own health to Home Assistant as a device `heliograph` whose entities
/// are diagnostics: uptime, database size, samples buffered and dropped by the sinks, healthy
/// yes/no, and per polled device its polls, failures, online state and seconds since its last
/// successful poll. They go through the MQTT sink only (discovery, state, per-field topics), not
/// into the history.
public final class MQTTDiagnostics: Service {
    static let device: DeviceID = "heliograph"

    private let sink: MQTTSampleSink
    private let poller: Poller
    private let bus: SampleBus
    private let store: any SampleStore
    private let interval: Duration
    private let started = Date()
    private let logger: Logger

    public init(sink: MQTTSampleSink, poller: Poller, bus: SampleBus, store: any SampleStore, interval: Duration = .seconds(60), logger: Logger) {
        self.sink = sink
        self.poller = poller
        self.bus = bus
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        sink.register(descriptor())
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await sink.write([await sample()])
            } catch {
                logger.debug("Publishing diagnostics failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
    }

    /// `inverter-1` → `inverter_1`, so per-device field ids stay valid.
    private static func prefix(_ device: DeviceID) -> String {
        String(device.rawValue.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    func descriptor() -> DeviceDescriptor {
        var fields: [FieldDescriptor] = [
            FieldDescriptor(id: "uptime_s", name: "Uptime", unit: .second, deviceClass: .duration, stateClass: .measurement, precision: 0),
            FieldDescriptor(id: "database_size_mb", name: "Database size (MB)", stateClass: .measurement, precision: 1),
            FieldDescriptor(id: "buffered_samples", name: "Samples waiting in sink buffers", stateClass: .measurement, precision: 0),
            FieldDescriptor(id: "dropped_samples", name: "Samples dropped by full sink buffers", stateClass: .totalIncreasing, precision: 0),
            .flag("healthy", "Healthy"),
        ]
        for device in poller.devices.map(\.device) {
            let prefix = Self.prefix(device)
            fields += [
                FieldDescriptor(id: FieldID("\(prefix)_polls"), name: "\(device) polls", stateClass: .totalIncreasing, precision: 0),
                FieldDescriptor(id: FieldID("\(prefix)_poll_failures"), name: "\(device) poll failures", stateClass: .totalIncreasing, precision: 0),
                FieldDescriptor(
                    id: FieldID("\(prefix)_last_success_age_s"), name: "\(device) time since last successful poll", unit: .second, deviceClass: .duration,
                    stateClass: .measurement, precision: 0),
                .flag(FieldID("\(prefix)_online"), "\(device) online"),
            ]
        }
        return DeviceDescriptor(kind: HomeAssistantDiscovery.diagnosticsKind, id: Self.device, name: "Heliograph", manufacturer: "Heliograph", model: "Daemon", fields: fields)
    }

    func sample() async -> Sample {
        let now = Date()
        var values: [FieldID: FieldValue] = ["uptime_s": .number(now.timeIntervalSince(started).rounded())]
        if let statistics = try? await store.statistics() { values["database_size_mb"] = .number(Double(statistics.bytesOnDisk) / 1_048_576) }
        let sinks = bus.statistics
        values["buffered_samples"] = .number(Double(sinks.reduce(0) { $0 + $1.buffered }))
        values["dropped_samples"] = .number(Double(sinks.reduce(0) { $0 + $1.dropped }))
        var healthy = true
        for status in poller.status {
            let prefix = Self.prefix(status.device)
            values[FieldID("\(prefix)_polls")] = .number(Double(status.polls))
            values[FieldID("\(prefix)_poll_failures")] = .number(Double(status.failures))
            values[FieldID("\(prefix)_online")] = .flag(status.availability == .online)
            if let success = status.lastSuccess { values[FieldID("\(prefix)_last_success_age_s")] = .number(now.timeIntervalSince(success).rounded()) }
            if status.availability == .unavailable { healthy = false }
        }
        values["healthy"] = .flag(healthy)
        return Sample(device: Self.device, time: now, values: values)
    }
}
