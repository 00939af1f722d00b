import HeliographCore

/// Field ids and descriptors of Hoymiles inverters and of the DTU's plant totals.
public enum HoymilesFields {
    /// `kind` of a micro-inverter behind a DTU.
    public static let inverterKind = "hoymiles-inverter"
    /// `kind` of the DTU itself (plant totals).
    public static let dtuKind = "hoymiles-dtu"

    public static func pvVoltage(_ port: Int) -> FieldID { FieldID("pv\(port)_voltage_v") }
    public static func pvCurrent(_ port: Int) -> FieldID { FieldID("pv\(port)_current_a") }
    public static func pvPower(_ port: Int) -> FieldID { FieldID("pv\(port)_power_w") }
    public static func pvEnergyToday(_ port: Int) -> FieldID { FieldID("pv\(port)_energy_today_kwh") }
    public static func pvEnergyTotal(_ port: Int) -> FieldID { FieldID("pv\(port)_energy_total_kwh") }

    public static let operatingStatus = FieldDescriptor(id: "operating_status", name: "Operating status", precision: 0, plausibleRange: 0...65_535)
    public static let alarmCode = FieldDescriptor(id: "alarm_code", name: "Alarm code", precision: 0, plausibleRange: 0...65_535)
    public static let alarmCount = FieldDescriptor(id: "alarm_count", name: "Alarm count", precision: 0, plausibleRange: 0...65_535)
    public static let linked = FieldDescriptor.flag("linked", "Linked to DTU")
    /// True at night or while the DTU has lost the inverter; measurements are then withheld.
    public static let asleep = FieldDescriptor.flag("asleep", "Asleep")
    public static let inverterCount = FieldDescriptor(id: "inverter_count", name: "Inverters", precision: 0, plausibleRange: 0...100)
    public static let producingInverterCount = FieldDescriptor(id: "producing_inverter_count", name: "Inverters producing", precision: 0, plausibleRange: 0...100)
    public static let alarmActive = FieldDescriptor.flag("alarm_active", "Alarm active")

    /// The fields of one PV port.
    public static func portFields(_ port: Int) -> [FieldDescriptor] {
        [
            .measurement(pvVoltage(port), "PV\(port) voltage", .volt, precision: 1, range: 0...100),
            .measurement(pvCurrent(port), "PV\(port) current", .ampere, precision: 2, range: 0...30),
            .measurement(pvPower(port), "PV\(port) power", .watt, precision: 1, range: 0...1_000),
            .energy(pvEnergyToday(port), "PV\(port) energy today", resetsDaily: true, precision: 3),
            .energy(pvEnergyTotal(port), "PV\(port) energy total", resetsDaily: false, precision: 3),
        ]
    }

    /// Every field of an inverter with `portCount` ports.
    public static func inverterFields(portCount: Int) -> [FieldDescriptor] {
        (1...max(1, portCount)).flatMap(portFields) + [
            CommonFields.pvPower, CommonFields.pvEnergyToday, CommonFields.pvEnergyTotal,
            CommonFields.gridVoltage, CommonFields.gridFrequency, CommonFields.inverterTemperature,
            operatingStatus, alarmCode, alarmCount, linked, asleep,
        ]
    }

    /// Plant totals reported under the DTU's own device id.
    public static let dtuFields: [FieldDescriptor] = [
        CommonFields.pvPower, CommonFields.pvEnergyToday, CommonFields.pvEnergyTotal, inverterCount, producingInverterCount, alarmActive,
    ]

    /// The device id of an inverter behind `dtu`: `<dtu>-<serial>`.
    public static func inverterDevice(dtu: DeviceID, serial: HoymilesSerialNumber) -> DeviceID {
        DeviceID("\(dtu.rawValue)-\(serial)")
    }

    /// Describes an inverter behind `dtu`.
    public static func inverterDescriptor(dtu: DeviceID, serial: HoymilesSerialNumber, portCount: Int) -> DeviceDescriptor {
        DeviceDescriptor(
            kind: inverterKind,
            id: inverterDevice(dtu: dtu, serial: serial),
            name: "Hoymiles \(serial.series) \(serial)",
            manufacturer: "Hoymiles",
            model: "\(serial.series) (\(portCount) port\(portCount == 1 ? "" : "s"))",
            serial: serial.description,
            fields: inverterFields(portCount: portCount),
            parent: dtu
        )
    }

    /// Describes the DTU.
    public static func dtuDescriptor(dtu: DeviceID, serial: HoymilesSerialNumber?) -> DeviceDescriptor {
        DeviceDescriptor(
            kind: dtuKind,
            id: dtu,
            name: "Hoymiles DTU \(serial?.description ?? dtu.rawValue)",
            manufacturer: "Hoymiles",
            model: "DTU-Pro",
            serial: serial?.description,
            fields: dtuFields
        )
    }
}
