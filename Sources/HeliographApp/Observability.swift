import CoreMetrics
import Foundation
import HeliographCore
import HeliographDevices
import HeliographInfluxDB
import HeliographMQTT
import HeliographPipeline
import HeliographPrometheus
import HeliographWeb
import Logging
import Prometheus

/// The process-wide metrics backend and the `/metrics` exporter of one daemon.
public enum Observability {
    /// The version `heliograph --version` and `heliograph_build_info` report.
    public static let version = "0.1.0"

    /// The registry every swift-metrics instrument of this process lands in. The first use
    /// bootstraps `MetricsSystem` (which may happen once per process), so it must be touched before
    /// any instrument is made: `buildDaemon` does so first thing.
    public static let instruments: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusBridge(registry: registry, componentMetrics: DeviceFamilies.metrics))
        return registry
    }()

    /// The field gauges sink for the bus; device descriptors come with the samples.
    static func fieldGauges(_ configuration: MetricsConfiguration) -> FieldGauges {
        let seconds = Double(configuration.staleAfter.components.seconds) + Double(configuration.staleAfter.components.attoseconds) / 1e18
        return FieldGauges(staleAfter: seconds)
    }

    /// The InfluxDB sink; its sender is a service of its own.
    static func influxDBSink(
        _ influx: InfluxDBSink.Configuration,
        logger: Logger
    ) throws -> InfluxDBSink {
        var logger = logger
        logger[metadataKey: "sink.name"] = "influxdb"
        return try InfluxDBSink(configuration: influx, logger: logger)
    }

    /// The InfluxDB sender in `/health`: failing when batches have waited over a minute, degraded while retrying.
    static func health(of sink: InfluxDBSink, now: Date = Date()) -> ComponentHealth {
        let statistics = sink.statistics
        let waiting = "\(statistics.spooledBatches) batches (\(statistics.spooledPoints) points) spooled"
        guard let failingSince = statistics.failingSince, statistics.spooledBatches > 0 else {
            return ComponentHealth(name: "influxdb-sender", kind: "sink", status: .ok, detail: statistics.spooledBatches > 0 ? waiting : nil, lastSuccess: statistics.lastSuccess)
        }
        let status: ComponentHealth.State = now.timeIntervalSince(failingSince) > 60 ? .failing : .degraded
        return ComponentHealth(
            name: "influxdb-sender", kind: "sink", status: status, detail: "\(waiting); last error: \(statistics.lastError ?? "-")", lastSuccess: statistics.lastSuccess
        )
    }

    /// The exporter for `/metrics`: instruments, field gauges, energy counters, device availability, store size.
    static func exporter(fields: FieldGauges?, energy: EnergyCounters? = nil, poller: Poller, store: any SampleStore) -> PrometheusExporter {
        PrometheusExporter(instruments: instruments, fields: fields, energy: energy, build: .init(version: version)) {
            PrometheusExporter.Snapshot(devices: poller.status, store: try? await store.statistics())
        }
    }

    /// The broker connection in `/health`: degraded while (re)connecting, failing while disconnected.
    static func health(of mqtt: DaemonMQTT) -> ComponentHealth {
        let broker = mqtt.configuration.host + (mqtt.configuration.port.map { ":\($0)" } ?? "")
        switch mqtt.client.connectionState {
        case .connected:
            return ComponentHealth(name: "mqtt", kind: "mqtt", status: .ok, detail: "connected to \(broker)")
        case .connecting:
            return ComponentHealth(name: "mqtt", kind: "mqtt", status: .degraded, detail: "connecting to \(broker)")
        case .disconnected(let reason):
            return ComponentHealth(name: "mqtt", kind: "mqtt", status: .failing, detail: "disconnected from \(broker)\(reason.map { ": \($0)" } ?? "")")
        }
    }
}
