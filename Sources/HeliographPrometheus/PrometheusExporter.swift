import HeliographCore
import Prometheus
import Synchronization

import struct Foundation.Date

/// Everything `/metrics` serves, rendered on each scrape: the swift-metrics instruments (polls,
/// errors, discards, sink counters, durations), one gauge family per device field, device
/// availability, store size, uptime and build info, and the site's energy counters when kept.
public final class PrometheusExporter: Sendable {
    /// What the daemon knows at scrape time, gathered by the composition root.
    public struct Snapshot: Sendable {
        /// Every polled device as the poller sees it.
        public var devices: [DeviceStatus]
        /// Nil when the store could not answer (the scrape still succeeds).
        public var store: StoreStatistics?

        public init(devices: [DeviceStatus] = [], store: StoreStatistics? = nil) {
            self.devices = devices
            self.store = store
        }
    }

    public struct BuildInfo: Sendable {
        public var version: String
        public var swiftVersion: String

        public init(version: String, swiftVersion: String = BuildInfo.compiler) {
            self.version = version
            self.swiftVersion = swiftVersion
        }

        public static var compiler: String {
            #if compiler(>=6.3)
            return "6.3"
            #elseif compiler(>=6.2)
            return "6.2"
            #else
            return "6.1"
            #endif
        }
    }

    /// The registry swift-metrics writes to (through `PrometheusBridge`).
    public let instruments: PrometheusCollectorRegistry
    public let fields: FieldGauges?
    /// The site's lifetime energy per flow; nil when the daemon keeps no energy totals.
    public let energy: EnergyCounters?
    private let status = PrometheusCollectorRegistry()
    private let started: Date
    private let snapshot: @Sendable () async -> Snapshot
    private let uptime: Prometheus.Gauge
    private let deviceGauges = Mutex<[DeviceID: (up: Prometheus.Gauge, lastSuccess: Prometheus.Gauge)]>([:])
    private let storeBytes: Prometheus.Gauge
    private let storePoints: Prometheus.Gauge
    private let storeSeries: Prometheus.Gauge
    private let storeUp: Prometheus.Gauge

    public init(
        instruments: PrometheusCollectorRegistry,
        fields: FieldGauges?,
        energy: EnergyCounters? = nil,
        build: BuildInfo,
        started: Date = Date(),
        snapshot: @escaping @Sendable () async -> Snapshot
    ) {
        self.instruments = instruments
        self.fields = fields
        self.energy = energy
        self.started = started
        self.snapshot = snapshot
        let prefix = MetricName.prefix
        let labels = [("version", build.version), ("swift", build.swiftVersion)]
        status.makeGauge(descriptor: .named(prefix + "build_info", help: "Always 1; the labels tell the version"), labels: labels).set(to: 1)
        status.makeGauge(descriptor: .named(prefix + "start_time_seconds", help: "When the daemon started, Unix seconds")).set(to: started.timeIntervalSince1970)
        uptime = status.makeGauge(descriptor: .named(prefix + "uptime_seconds", help: "Seconds since the daemon started"))
        storeBytes = status.makeGauge(descriptor: .named(prefix + "store_size_bytes", help: "Size of the history database on disk"))
        storePoints = status.makeGauge(descriptor: .named(prefix + "store_points", help: "Points held by the history database"))
        storeSeries = status.makeGauge(descriptor: .named(prefix + "store_series", help: "Series held by the history database"))
        storeUp = status.makeGauge(descriptor: .named(prefix + "store_up", help: "1 when the history database answered the last scrape, 0 when it failed"))
    }

    /// The text exposition format (version 0.0.4), as served at `/metrics`.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Renders every family; safe to call concurrently.
    public func exposition(now: Date = Date()) async -> [UInt8] {
        let current = await snapshot()
        update(current, now: now)
        fields?.expireStale(now: now)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16_384)
        status.emit(into: &buffer)
        instruments.emit(into: &buffer)
        fields?.registry.emit(into: &buffer)
        energy?.registry.emit(into: &buffer)
        return buffer
    }

    private func update(_ snapshot: Snapshot, now: Date) {
        uptime.set(to: now.timeIntervalSince(started))
        if let store = snapshot.store {
            storeUp.set(to: 1)
            storeBytes.set(to: Double(store.bytesOnDisk))
            storePoints.set(to: Double(store.points))
            storeSeries.set(to: Double(store.series))
        } else {
            storeUp.set(to: 0)
        }
        deviceGauges.withLock { gauges in
            for reading in snapshot.devices {
                let pair = gauges[reading.device] ?? {
                    let labels = [("device", reading.device.rawValue)]
                    let made = (
                        up: status.makeGauge(
                            descriptor: .named(MetricName.prefix + "device_up", help: "1 while the device answers polls, 0 once it is reported unavailable"),
                            labels: labels
                        ),
                        lastSuccess: status.makeGauge(
                            descriptor: .named(
                                MetricName.prefix + "device_last_success_timestamp_seconds",
                                help: "When the last successful poll of the device ended, Unix seconds"
                            ),
                            labels: labels
                        )
                    )
                    gauges[reading.device] = made
                    return made
                }()
                pair.up.set(to: reading.availability == .online ? 1 : 0)
                if let lastSuccess = reading.lastSuccess { pair.lastSuccess.set(to: lastSuccess.timeIntervalSince1970) }
            }
        }
    }
}
