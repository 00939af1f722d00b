/// Fills flows a device (or the site) does not measure from the balance of the ones it does:
///
///     pv + grid_import + battery_discharge = load + grid_export + battery_charge
///
/// Exactly one unknown flow is that flow's side minus the rest, floored at 0 (conversion losses can make
/// it slightly negative). With both grid flows unknown (a PI30 site: no grid meter), the net grid
/// energy `load + charge − pv − discharge` is import when positive, export when negative. A derived
/// figure covers as much as its least covered input. Losses in the inverter land in the derived flow.
public enum EnergyBalance {
    public static func complete(_ flows: [EnergyFlow: FlowEnergy], spanMilliseconds: Int64) -> [EnergyFlow: FlowEnergy] {
        var flows = flows
        let unknown = EnergyFlow.allCases.filter { !(flows[$0]?.isKnown ?? false) }
        let known = EnergyFlow.allCases.filter { flows[$0]?.isKnown ?? false }
        guard !known.isEmpty else { return flows }
        let covered = known.compactMap { flows[$0]?.coveredMilliseconds }.min() ?? 0
        func derived(_ kilowattHours: Double) -> FlowEnergy {
            FlowEnergy(kilowattHours: kilowattHours, source: .derived, coveredMilliseconds: covered, spanMilliseconds: spanMilliseconds)
        }
        // Net supply: what came in minus what went out, over the known flows.
        let net = known.reduce(0.0) { sum, flow in
            let energy = flows[flow]?.kilowattHours ?? 0
            return flow.isSupply ? sum + energy : sum - energy
        }
        if unknown.count == 1, let flow = unknown.first {
            // The one unknown flow closes the balance: a sink takes the net supply, a source makes up the deficit.
            flows[flow] = derived(flow.isSupply ? -net : net)
        } else if Set(unknown) == [.gridImport, .gridExport] {
            flows[.gridImport] = derived(-net)
            flows[.gridExport] = derived(net)
        }
        return flows
    }
}
