/// How one swift-metrics instrument a component creates is exported: its Prometheus name and HELP text.
///
/// Components that make their own instruments (a device family's driver) declare them with these,
/// so the Prometheus exporter names them without knowing the component.
public struct MetricDescription: Sendable, Hashable {
    /// The swift-metrics label, e.g. `heliograph.hoymiles.queries`.
    public var label: String
    /// The Prometheus family name, e.g. `heliograph_hoymiles_queries_total`.
    public var name: String
    public var help: String

    public init(label: String, name: String, help: String) {
        self.label = label
        self.name = name
        self.help = help
    }
}
