/// Describes one field of a device model, once: what it means, its unit, and how Home Assistant,
/// Prometheus and the charts should treat it.
public struct FieldDescriptor: Sendable, Hashable, Codable {
    /// Physical unit as displayed and as Home Assistant expects it.
    public enum Unit: String, Sendable, Hashable, Codable, CaseIterable {
        case volt = "V"
        case ampere = "A"
        case watt = "W"
        case kilowatt = "kW"
        case voltAmpere = "VA"
        case voltAmpereReactive = "var"
        case hertz = "Hz"
        case percent = "%"
        case celsius = "°C"
        case wattHour = "Wh"
        case kilowattHour = "kWh"
        case ampereHour = "Ah"
        case second = "s"
        case hectopascal = "hPa"
        case millimetre = "mm"
        case kilometrePerHour = "km/h"
        case degree = "°"
        case wattPerSquareMetre = "W/m²"
        /// A count, a code or an enumerated state without a unit.
        case none = ""
    }

    /// Home Assistant sensor device class (subset relevant to solar systems).
    public enum DeviceClass: String, Sendable, Hashable, Codable {
        case voltage, current, power, apparentPower = "apparent_power", reactivePower = "reactive_power"
        case frequency, battery, temperature, energy, duration, humidity, pressure, precipitation
        case windSpeed = "wind_speed", irradiance, enumeration = "enum"
    }

    /// Home Assistant state class: how long-term statistics treat the value.
    public enum StateClass: String, Sendable, Hashable, Codable {
        /// A momentary reading (power, voltage, temperature).
        case measurement
        /// A counter that may reset (daily energy); HA detects resets by a decrease.
        case total
        /// A monotonically increasing counter (lifetime energy).
        case totalIncreasing = "total_increasing"
    }

    /// What a value of this field is.
    public enum Kind: String, Sendable, Hashable, Codable {
        case number
        /// On/off; stored as 0 or 1.
        case flag
        /// Free text or an enumeration label; kept as the latest value, not charted.
        case text
    }

    public var id: FieldID
    /// Human-readable name, e.g. "Battery voltage".
    public var name: String
    public var unit: Unit
    public var kind: Kind
    public var deviceClass: DeviceClass?
    public var stateClass: StateClass?
    /// Decimal places worth showing.
    public var precision: Int
    /// Values outside this range are implausible and rejected by validation.
    public var plausibleRange: ClosedRange<Double>?

    public init(
        id: FieldID,
        name: String,
        unit: Unit = .none,
        kind: Kind = .number,
        deviceClass: DeviceClass? = nil,
        stateClass: StateClass? = nil,
        precision: Int = 1,
        plausibleRange: ClosedRange<Double>? = nil
    ) {
        self.id = id
        self.name = name
        self.unit = unit
        self.kind = kind
        self.deviceClass = deviceClass
        self.stateClass = stateClass
        self.precision = precision
        self.plausibleRange = plausibleRange
    }
}

extension FieldDescriptor {
    /// A momentary numeric reading with the device and state class that match its unit.
    public static func measurement(
        _ id: FieldID,
        _ name: String,
        _ unit: Unit,
        precision: Int = 1,
        range: ClosedRange<Double>? = nil
    ) -> FieldDescriptor {
        FieldDescriptor(
            id: id,
            name: name,
            unit: unit,
            deviceClass: unit.defaultDeviceClass,
            stateClass: .measurement,
            precision: precision,
            plausibleRange: range
        )
    }

    /// An energy counter in kWh. `resetsDaily` counters use state class `total`, lifetime ones `total_increasing`.
    public static func energy(_ id: FieldID, _ name: String, resetsDaily: Bool, precision: Int = 1) -> FieldDescriptor {
        FieldDescriptor(
            id: id,
            name: name,
            unit: .kilowattHour,
            deviceClass: .energy,
            stateClass: resetsDaily ? .total : .totalIncreasing,
            precision: precision,
            plausibleRange: 0...10_000_000
        )
    }

    /// An on/off state.
    public static func flag(_ id: FieldID, _ name: String) -> FieldDescriptor {
        FieldDescriptor(id: id, name: name, kind: .flag, precision: 0, plausibleRange: 0...1)
    }

    /// A text or enumeration label (operating mode, firmware version).
    public static func text(_ id: FieldID, _ name: String, enumeration: Bool = true) -> FieldDescriptor {
        FieldDescriptor(id: id, name: name, kind: .text, deviceClass: enumeration ? .enumeration : nil, precision: 0)
    }
}

extension FieldDescriptor.Unit {
    /// The Home Assistant device class a plain measurement in this unit has.
    public var defaultDeviceClass: FieldDescriptor.DeviceClass? {
        switch self {
        case .volt: .voltage
        case .ampere: .current
        case .watt, .kilowatt: .power
        case .voltAmpere: .apparentPower
        case .voltAmpereReactive: .reactivePower
        case .hertz: .frequency
        case .celsius: .temperature
        case .wattHour, .kilowattHour: .energy
        case .second: .duration
        case .hectopascal: .pressure
        case .millimetre: .precipitation
        case .kilometrePerHour: .windSpeed
        case .wattPerSquareMetre: .irradiance
        case .percent, .ampereHour, .degree, .none: nil
        }
    }
}
