import HeliographConfigFile
/// The `metrics:` section: Prometheus exposition at `/metrics` on the web server.
///
/// ```yaml
/// metrics:
///   enabled: true        # default true: /metrics serves the Prometheus text format
///   stale_after: 10m     # a device silent this long loses its field series; default 10m
///   textfile_directory: /var/lib/prometheus/node-exporter   # also write heliograph.prom here for node_exporter; default off
///   textfile_interval: 15s                                  # how often; default 15s
/// ```
public struct MetricsConfiguration: Sendable, Hashable {
    public var enabled: Bool
    /// After this long without a sample, a device's field gauges are removed so Prometheus marks them stale.
    public var staleAfter: Duration
    /// node_exporter's textfile collector directory; nil writes no file.
    public var textfileDirectory: String?
    public var textfileInterval: Duration

    public init(enabled: Bool = true, staleAfter: Duration = .seconds(600), textfileDirectory: String? = nil, textfileInterval: Duration = .seconds(15)) {
        self.enabled = enabled
        self.staleAfter = staleAfter
        self.textfileDirectory = textfileDirectory
        self.textfileInterval = textfileInterval
    }

    static let keys = ["enabled", "stale_after", "textfile_directory", "textfile_interval"]

    /// Reads the section (problems reported); absent keys keep their defaults.
    public static func parse(_ section: ConfigurationSection) -> MetricsConfiguration {
        var metrics = MetricsConfiguration()
        metrics.enabled = section.bool("enabled") ?? metrics.enabled
        metrics.staleAfter = section.duration("stale_after", in: .seconds(10) ... .seconds(7 * 86_400)) ?? metrics.staleAfter
        metrics.textfileDirectory = section.string("textfile_directory")
        metrics.textfileInterval = section.duration("textfile_interval", in: .seconds(1) ... .seconds(3_600)) ?? metrics.textfileInterval
        section.reportUnknownKeys(allowed: keys)
        return metrics
    }
}
