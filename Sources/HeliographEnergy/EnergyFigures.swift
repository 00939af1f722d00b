/// The six flows over one span (a tariff window, a day, a month, a period), each with its source and coverage.
public struct EnergyFigures: Sendable, Hashable {
    /// Flows nobody measures and the balance cannot give are absent.
    public var flows: [EnergyFlow: FlowEnergy]
    public var spanMilliseconds: Int64

    public init(flows: [EnergyFlow: FlowEnergy] = [:], spanMilliseconds: Int64) {
        self.flows = flows
        self.spanMilliseconds = spanMilliseconds
    }

    /// kWh of a flow; nil when unknown.
    public func kilowattHours(_ flow: EnergyFlow) -> Double? {
        flows[flow].flatMap { $0.isKnown ? $0.kilowattHours : nil }
    }

    /// This span followed by the next: a flow missing from one side counts as unknown for its span.
    public func followed(by next: EnergyFigures) -> EnergyFigures {
        var flows: [EnergyFlow: FlowEnergy] = [:]
        for flow in Set(self.flows.keys).union(next.flows.keys) {
            let first = self.flows[flow] ?? .unknown(spanMilliseconds: spanMilliseconds)
            flows[flow] = first.followed(by: next.flows[flow] ?? .unknown(spanMilliseconds: next.spanMilliseconds))
        }
        return EnergyFigures(flows: flows, spanMilliseconds: spanMilliseconds + next.spanMilliseconds)
    }

    /// Consecutive spans as one.
    public static func joined(_ parts: [EnergyFigures]) -> EnergyFigures {
        guard let first = parts.first else { return EnergyFigures(spanMilliseconds: 0) }
        return parts.dropFirst().reduce(first) { $0.followed(by: $1) }
    }

    /// Several devices over the same span, summed flow by flow (`FlowEnergy.alongside`).
    public static func summed(_ parts: [EnergyFigures], spanMilliseconds: Int64) -> EnergyFigures {
        var flows: [EnergyFlow: FlowEnergy] = [:]
        for part in parts {
            for (flow, energy) in part.flows { flows[flow] = flows[flow].map { $0.alongside(energy) } ?? energy }
        }
        return EnergyFigures(flows: flows, spanMilliseconds: spanMilliseconds)
    }
}
