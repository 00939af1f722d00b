/// The six flows of a solar site's energy balance: what comes in (PV, grid import, battery
/// discharge) equals what goes out (load, grid export, battery charge), less conversion losses.
public enum EnergyFlow: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case pv
    case load
    case gridImport = "grid_import"
    case gridExport = "grid_export"
    case batteryCharge = "battery_charge"
    case batteryDischarge = "battery_discharge"

    public static func < (lhs: EnergyFlow, rhs: EnergyFlow) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Whether the flow brings energy into the site's balance (PV, import, discharge).
    public var isSupply: Bool { [.pv, .gridImport, .batteryDischarge].contains(self) }
}

/// Where a figure came from, most trusted first.
public enum EnergySource: String, Sendable, Hashable, Codable, Comparable {
    /// The device's own energy counter (kWh or Wh register), followed across resets and glitches.
    case counter
    /// Power readings integrated by the trapezoid rule, never across a gap longer than the limit.
    case integrated
    /// The balance of the other flows (load = PV + import + discharge − export − charge, and so on).
    case derived
    /// No data: the energy is unknown, not zero.
    case none

    private var rank: Int {
        switch self {
        case .counter: 0
        case .integrated: 1
        case .derived: 2
        case .none: 3
        }
    }

    public static func < (lhs: EnergySource, rhs: EnergySource) -> Bool { lhs.rank < rhs.rank }
}
