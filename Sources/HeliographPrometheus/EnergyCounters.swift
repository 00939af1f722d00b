import HeliographEnergy
import Prometheus
import Synchronization

/// The site's lifetime energy per flow as Prometheus counters: `heliograph_energy_pv_kwh_total` …
/// They follow `EnergyTotals`, which never go backwards and are kept across restarts, so each counter
/// starts at the kept total rather than at zero and only ever rises.
public final class EnergyCounters: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let counters = Mutex<[EnergyFlow: (counter: Prometheus.Counter, value: Double)]>([:])

    public init() {}

    /// `heliograph_energy_<flow>_kwh_total`.
    public static func family(_ flow: EnergyFlow) -> String { "\(MetricName.prefix)energy_\(flow.rawValue)_kwh_total" }

    /// Raises each flow's counter to its lifetime total (a total below the counter changes nothing).
    public func advance(to totals: EnergyTotals) {
        counters.withLock { counters in
            for flow in totals.flows {
                guard let total = totals.total(flow) else { continue }
                let entry = counters[flow] ?? (
                    registry.makeCounter(descriptor: .named(Self.family(flow), help: "Site \(flow.rawValue) energy since the totals began, kWh (never decreases)")),
                    0
                )
                if total > entry.value { entry.counter.increment(by: total - entry.value) }
                counters[flow] = (entry.counter, max(entry.value, total))
            }
        }
    }
}
