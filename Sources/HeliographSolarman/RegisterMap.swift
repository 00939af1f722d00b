import HeliographCore

/// A device family's registers as data: which fields live where, how to decode them, which settings
/// may be written. Loaded from the bundled JSON in `RegisterMaps/` (or any file of the same shape).
public struct RegisterMap: Sendable, Hashable, Decodable {
    /// File name without extension, e.g. `deye_single_phase_hybrid`; the config's `model` value.
    public var name: String
    public var title: String
    public var manufacturer: String
    public var model: String
    /// `DeviceDescriptor.kind`, e.g. `deye-hybrid`.
    public var kind: String
    /// Modbus read function: 3 (holding) or 4 (input).
    public var function: UInt8
    /// Unused registers the read planner may read across to save a request.
    public var maxReadGap: Int
    /// Values of register 0 (device type) this map is meant for.
    public var deviceTypes: [UInt16]
    public var fields: [RegisterField]
    public var settings: [RegisterSetting]

    public init(
        name: String,
        title: String,
        manufacturer: String,
        model: String,
        kind: String,
        function: UInt8 = 3,
        maxReadGap: Int = 20,
        deviceTypes: [UInt16] = [],
        fields: [RegisterField],
        settings: [RegisterSetting] = []
    ) {
        self.name = name
        self.title = title
        self.manufacturer = manufacturer
        self.model = model
        self.kind = kind
        self.function = function
        self.maxReadGap = maxReadGap
        self.deviceTypes = deviceTypes
        self.fields = fields
        self.settings = settings
    }

    public func field(_ id: FieldID) -> RegisterField? { fields.first { $0.id == id } }
    public func setting(_ id: String) -> RegisterSetting? { settings.first { $0.id == id } }

    /// Descriptors of every field, for `DeviceDescriptor.fields`.
    public var fieldDescriptors: [FieldDescriptor] { fields.map(\.descriptor) }

    /// Every register the selected fields need. `slow` fields (settings read-back) are read less often.
    public func registers(includingSlow: Bool) -> Set<UInt16> {
        var addresses = Set<UInt16>()
        for field in fields where includingSlow || !field.slow {
            addresses.formUnion(field.allRegisters)
        }
        return addresses
    }

    /// Decodes every field whose registers are all in `image`. Fields with missing registers are left out.
    public func decode(_ image: RegisterImage, includingSlow: Bool = true) -> [FieldID: FieldValue] {
        var values: [FieldID: FieldValue] = [:]
        values.reserveCapacity(fields.count)
        for field in fields where includingSlow || !field.slow {
            if let value = field.decode(image) { values[field.id] = value }
        }
        return values
    }
}

/// One writable setting: its register, allowed values and how they are encoded.
public struct RegisterSetting: Sendable, Hashable, Decodable {
    public enum Kind: String, Sendable, Hashable, Decodable {
        /// One of labelled register values.
        case choice
        /// A number in range and step, written as `value / scale`.
        case number
        /// On/off: the register (or `bit`) is 1 or 0.
        case toggle
        /// A clock time written as the decimal number HHMM (2230 = 22:30).
        case time
    }

    public struct Option: Sendable, Hashable, Decodable {
        public var label: String
        public var value: UInt16
    }

    public var id: String
    public var name: String
    public var register: UInt16
    public var kind: Kind
    /// The field that reports the current value.
    public var readBack: FieldID
    public var options: [Option]
    public var min: Double
    public var max: Double
    public var step: Double
    public var scale: Double
    public var unit: FieldDescriptor.Unit
    /// For toggles that live in one bit of a shared register (read-modify-write).
    public var bit: Int?

    enum CodingKeys: String, CodingKey {
        case id, name, register, kind, readBack, options, min, max, step, scale, unit, bit
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        register = try container.decode(UInt16.self, forKey: .register)
        kind = try container.decode(Kind.self, forKey: .kind)
        readBack = try container.decode(FieldID.self, forKey: .readBack)
        options = try container.decodeIfPresent([Option].self, forKey: .options) ?? []
        min = try container.decodeIfPresent(Double.self, forKey: .min) ?? 0
        max = try container.decodeIfPresent(Double.self, forKey: .max) ?? (kind == .time ? 2359 : 65535)
        step = try container.decodeIfPresent(Double.self, forKey: .step) ?? 1
        scale = try container.decodeIfPresent(Double.self, forKey: .scale) ?? 1
        unit = try container.decodeIfPresent(FieldDescriptor.Unit.self, forKey: .unit) ?? .none
        bit = try container.decodeIfPresent(Int.self, forKey: .bit)
        // `descriptor` builds min...max, which traps when min > max.
        guard min <= max else {
            throw DecodingError.dataCorruptedError(forKey: .max, in: container, debugDescription: "setting \(id): max \(max) is below min \(min)")
        }
        if let bit, !(0..<16).contains(bit) {
            throw DecodingError.dataCorruptedError(forKey: .bit, in: container, debugDescription: "setting \(id): bit \(bit) is not 0...15")
        }
    }

    /// The allow-list entry for `CommandGate`.
    public var descriptor: SettingDescriptor {
        let values: SettingDescriptor.Values =
            switch kind {
            case .choice: .choice(options.map(\.label))
            case .number: .number(range: min...max, step: step, unit: unit)
            case .toggle: .toggle
            case .time: .number(range: 0...2359, step: 1, unit: .none)
            }
        return SettingDescriptor(id: id, name: name, values: values, readBack: readBack)
    }

    /// The register value for a requested setting value (validated against the allow-list first).
    /// Toggles with a `bit` need the current register value to keep the other bits.
    public func registerValue(for value: SettingValue, current: UInt16? = nil) throws(HeliographError) -> UInt16 {
        let value = try descriptor.validate(value)
        switch (kind, value) {
        case (.choice, .choice(let label)):
            guard let option = options.first(where: { $0.label == label }) else {
                throw HeliographError(.settingRejected, "\(id) has no option \(label)")
            }
            return option.value
        case (.number, .number(let number)):
            let raw = (number / scale).rounded()
            guard raw >= 0, raw <= 65_535 else { throw HeliographError(.settingRejected, "\(id) value \(number) does not fit a register") }
            return UInt16(raw)
        case (.time, .number(let number)):
            let hhmm = Int(number)
            guard hhmm / 100 < 24, hhmm % 100 < 60, Double(hhmm) == number else {
                throw HeliographError(.settingRejected, "\(id) must be a time HHMM with hours 0-23 and minutes 0-59; got \(number)")
            }
            return UInt16(hhmm)
        case (.toggle, .toggle(let on)):
            guard let bit else { return on ? 1 : 0 }
            guard let current else { throw HeliographError(.settingRejected, "\(id) needs the current register value to change bit \(bit)") }
            return on ? current | UInt16(1) << bit : current & ~(UInt16(1) << bit)
        default:
            throw HeliographError(.settingRejected, "\(id) does not take a value of that kind")
        }
    }

    /// The setting value a register holds, for read-back.
    public func settingValue(from raw: UInt16) -> SettingValue {
        switch kind {
        case .choice:
            .choice(options.first { $0.value == raw }?.label ?? "unknown_\(raw)")
        case .number:
            .number(((Double(raw) * scale) * 1e6).rounded() / 1e6)
        case .toggle:
            .toggle(bit.map { raw >> $0 & 1 == 1 } ?? (raw != 0))
        case .time:
            .number(Double(raw))
        }
    }
}
