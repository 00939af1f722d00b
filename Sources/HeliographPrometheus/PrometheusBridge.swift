import CoreMetrics
import HeliographCore
import Prometheus

/// A swift-metrics backend that registers every instrument in a Prometheus registry under the
/// name and help text of `MetricCatalogue`, with dimension names sanitised into label names.
///
/// swift-prometheus's own `PrometheusMetricsFactory` passes no help text and keeps dotted names as
/// `_`-joined; this factory gives promtool-clean families instead.
public struct PrometheusBridge: MetricsFactory, Sendable {
    public let registry: PrometheusCollectorRegistry
    /// Buckets for swift-metrics timers (poll and query durations): 1 ms to 30 s.
    public var durationBuckets: [Duration]
    /// Buckets for swift-metrics recorders created with `aggregate: true`.
    public var valueBuckets: [Double]
    /// Names and help of instruments other modules create (device families), by swift-metrics label.
    public var componentMetrics: [String: MetricCatalogue.Entry]

    public init(
        registry: PrometheusCollectorRegistry,
        durationBuckets: [Duration] = [
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2_500), .seconds(5), .seconds(10), .seconds(30),
        ],
        valueBuckets: [Double] = [1, 5, 10, 50, 100, 500, 1_000, 5_000, 10_000],
        componentMetrics: [MetricDescription] = []
    ) {
        self.componentMetrics = Dictionary(componentMetrics.map { ($0.label, MetricCatalogue.Entry(name: $0.name, help: $0.help)) }) { first, _ in first }
        self.registry = registry
        self.durationBuckets = durationBuckets
        self.valueBuckets = valueBuckets
    }

    private static func labels(_ dimensions: [(String, String)]) -> [(String, String)] {
        dimensions.map { (MetricName.labelName($0.0), $0.1) }
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        let entry = MetricCatalogue.entry(for: label, instrument: .counter, components: componentMetrics)
        return registry.makeCounter(descriptor: .named(entry.name, help: entry.help), labels: Self.labels(dimensions))
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        let entry = MetricCatalogue.entry(for: label, instrument: .counter, components: componentMetrics)
        return registry.makeCounter(descriptor: .named(entry.name, help: entry.help), labels: Self.labels(dimensions))
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        if aggregate {
            let entry = MetricCatalogue.entry(for: label, instrument: .histogram, components: componentMetrics)
            return registry.makeValueHistogram(descriptor: .named(entry.name, help: entry.help), labels: Self.labels(dimensions), buckets: valueBuckets)
        }
        let entry = MetricCatalogue.entry(for: label, instrument: .gauge, components: componentMetrics)
        return registry.makeGauge(descriptor: .named(entry.name, help: entry.help), labels: Self.labels(dimensions))
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        let entry = MetricCatalogue.entry(for: label, instrument: .gauge, components: componentMetrics)
        return registry.makeGauge(descriptor: .named(entry.name, help: entry.help), labels: Self.labels(dimensions))
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        let entry = MetricCatalogue.entry(for: label, instrument: .timer, components: componentMetrics)
        return registry.makeDurationHistogram(descriptor: .named(entry.name, help: entry.help), labels: Self.labels(dimensions), buckets: durationBuckets)
    }

    public func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    public func destroyRecorder(_ handler: any RecorderHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
        if let histogram = handler as? ValueHistogram { registry.unregisterValueHistogram(histogram) }
    }

    public func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    public func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? DurationHistogram { registry.unregisterDurationHistogram(histogram) }
    }
}
