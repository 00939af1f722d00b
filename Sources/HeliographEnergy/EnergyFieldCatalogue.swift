import HeliographCore

/// Which fields of a device feed each flow, read from the device family's field descriptors. Every
/// family uses the common field ids (`pv_energy_total_kwh`, `grid_power_w`, ...), so one table
/// serves Deye, Hoymiles, Powervault, PI30 and whatever reports the same ids.
public struct EnergyFieldCatalogue: Sendable, Hashable {
    /// How a power field maps to a flow.
    public enum PowerPart: String, Sendable, Hashable {
        /// The reading as it is (PV, load).
        case whole
        /// Only the positive part (grid import, battery charge: the field is positive while importing or charging).
        case positive
        /// Only the negative part, negated (grid export, battery discharge).
        case negative
    }

    /// What feeds one flow: counters in order of preference, then a power field, else power fields
    /// whose sum is the flow's power (the strings of a PV input: `pv1_power_w + pv2_power_w + …`).
    public struct Feed: Sendable, Hashable {
        public var counters: [FieldDescriptor]
        public var power: (field: FieldDescriptor, part: PowerPart)?
        /// Summed when `power` is nil; each is integrated on its own and the energies added.
        public var summedPower: [FieldDescriptor]

        public init(counters: [FieldDescriptor], power: (field: FieldDescriptor, part: PowerPart)?, summedPower: [FieldDescriptor] = []) {
            self.counters = counters
            self.power = power
            self.summedPower = power == nil ? summedPower : []
        }

        public static func == (lhs: Feed, rhs: Feed) -> Bool {
            lhs.counters == rhs.counters && lhs.power?.field == rhs.power?.field && lhs.power?.part == rhs.power?.part && lhs.summedPower == rhs.summedPower
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(counters)
            hasher.combine(power?.field)
            hasher.combine(power?.part)
            hasher.combine(summedPower)
        }

        /// Every field read to compute the flow.
        public var fields: [FieldDescriptor] { counters + (power.map { [$0.field] } ?? []) + summedPower }
    }

    /// Counter ids per flow, lifetime counter first: it has no midnight reset whose timing could differ
    /// from the site's clock; the daily counter serves when the lifetime one is missing or silent.
    static let counterIDs: [EnergyFlow: [FieldID]] = [
        .pv: ["pv_energy_total_kwh", "pv_energy_today_kwh"],
        .load: ["load_energy_total_kwh", "load_energy_today_kwh"],
        .gridImport: ["grid_import_energy_total_kwh", "grid_import_energy_today_kwh"],
        .gridExport: ["grid_export_energy_total_kwh", "grid_export_energy_today_kwh"],
        .batteryCharge: ["battery_charge_energy_total_kwh", "battery_charge_energy_today_kwh"],
        .batteryDischarge: ["battery_discharge_energy_total_kwh", "battery_discharge_energy_today_kwh"],
    ]

    /// Power ids per flow, with the sign conventions of `CommonFields` (grid positive while importing,
    /// battery positive while charging).
    static let powerIDs: [EnergyFlow: (FieldID, PowerPart)] = [
        .pv: (CommonFields.pvPower.id, .whole),
        .load: (CommonFields.loadPower.id, .whole),
        .gridImport: (CommonFields.gridPower.id, .positive),
        .gridExport: (CommonFields.gridPower.id, .negative),
        .batteryCharge: (CommonFields.batteryPower.id, .positive),
        .batteryDischarge: (CommonFields.batteryPower.id, .negative),
    ]

    public var feeds: [EnergyFlow: Feed]

    /// The feeds a device's descriptor offers; flows it has no field for are left out (derived or unknown).
    public init(_ device: DeviceDescriptor) {
        var feeds: [EnergyFlow: Feed] = [:]
        for flow in EnergyFlow.allCases {
            let counters = (Self.counterIDs[flow] ?? []).compactMap { id in
                device.field(id).flatMap { [.kilowattHour, .wattHour].contains($0.unit) ? $0 : nil }
            }
            let power = Self.powerIDs[flow].flatMap { id, part in
                device.field(id).flatMap { Self.isPower($0) ? ($0, part) : nil }
            }
            let strings = flow == .pv ? device.fields.filter { Self.isStringPower($0.id) && Self.isPower($0) } : []
            if !counters.isEmpty || power != nil || !strings.isEmpty { feeds[flow] = Feed(counters: counters, power: power, summedPower: strings) }
        }
        self.feeds = feeds
    }

    private static func isPower(_ field: FieldDescriptor) -> Bool { [.watt, .kilowatt].contains(field.unit) }

    /// `pv1_power_w`, `pv12_power_w`: one string or port of a PV input (the same ids `PowerFlow` sums).
    static func isStringPower(_ id: FieldID) -> Bool {
        let text = id.rawValue
        guard text.hasPrefix("pv"), text.hasSuffix("_power_w") else { return false }
        let number = text.dropFirst(2).dropLast("_power_w".count)
        return !number.isEmpty && number.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Every field read for the device.
    public var fields: Set<FieldID> { Set(feeds.values.flatMap { $0.fields.map(\.id) }) }
}
