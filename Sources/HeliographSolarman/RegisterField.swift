import HeliographCore

/// One field of a register map: where its value lives and how raw words become a reading.
///
/// Multi-register values list their registers least-significant word first (they need not be
/// adjacent). Numbers are `(raw − offset) × scale`; a negative scale flips the sign convention
/// (Deye battery power is positive while discharging, Heliograph's while charging).
public struct RegisterField: Sendable, Hashable, Decodable {
    public enum ValueType: String, Sendable, Hashable, Decodable {
        case u16, s16, u32, s32, u64
        /// Two characters per register, high byte first.
        case ascii
        /// A decimal HHMM clock time (2230 = 22:30), kept as that number.
        case hhmm

        public var isSigned: Bool { self == .s16 || self == .s32 }
    }

    /// One summand of a computed field: a register value, optionally multiplied by another.
    public struct Term: Sendable, Hashable, Decodable {
        public var registers: [UInt16]
        public var multiply: [UInt16]?

        public init(registers: [UInt16], multiply: [UInt16]? = nil) {
            self.registers = registers
            self.multiply = multiply
        }
    }

    public var id: FieldID
    public var name: String
    public var type: ValueType
    public var registers: [UInt16]
    /// A computed field: the sum of these terms (each decoded with `type`), then scaled.
    public var sum: [Term]?
    public var scale: Double
    public var offset: Double
    public var unit: FieldDescriptor.Unit
    public var precision: Int
    public var plausibleRange: ClosedRange<Double>?
    public var stateClass: FieldDescriptor.StateClass?
    public var deviceClass: FieldDescriptor.DeviceClass?
    /// Enumeration labels by raw value.
    public var lookup: [UInt64: String]?
    /// Names of set bits, for alarm and fault words.
    public var bits: [Int: String]?
    /// On/off: reported as a flag.
    public var flag: Bool
    /// Use only this bit of the raw value.
    public var bit: Int?
    /// Read on the slow schedule (settings read-back), not every poll.
    public var slow: Bool

    public init(
        id: FieldID,
        name: String,
        type: ValueType,
        registers: [UInt16],
        sum: [Term]? = nil,
        scale: Double = 1,
        offset: Double = 0,
        unit: FieldDescriptor.Unit = .none,
        precision: Int = 1,
        plausibleRange: ClosedRange<Double>? = nil,
        stateClass: FieldDescriptor.StateClass? = nil,
        deviceClass: FieldDescriptor.DeviceClass? = nil,
        lookup: [UInt64: String]? = nil,
        bits: [Int: String]? = nil,
        flag: Bool = false,
        bit: Int? = nil,
        slow: Bool = false
    ) {
        self.id = id
        self.name = name
        self.type = type
        self.registers = registers
        self.sum = sum
        self.scale = scale
        self.offset = offset
        self.unit = unit
        self.precision = precision
        self.plausibleRange = plausibleRange
        self.stateClass = stateClass
        self.deviceClass = deviceClass
        self.lookup = lookup
        self.bits = bits
        self.flag = flag
        self.bit = bit
        self.slow = slow
    }

    enum CodingKeys: String, CodingKey {
        case id, name, type, registers, sum, scale, offset, unit, precision, range, stateClass, deviceClass, lookup, bits, flag, bit, slow
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(FieldID.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        type = try container.decode(ValueType.self, forKey: .type)
        registers = try container.decodeIfPresent([UInt16].self, forKey: .registers) ?? []
        sum = try container.decodeIfPresent([Term].self, forKey: .sum)
        scale = try container.decodeIfPresent(Double.self, forKey: .scale) ?? 1
        offset = try container.decodeIfPresent(Double.self, forKey: .offset) ?? 0
        unit = try container.decodeIfPresent(FieldDescriptor.Unit.self, forKey: .unit) ?? .none
        precision = try container.decodeIfPresent(Int.self, forKey: .precision) ?? 1
        if let range = try container.decodeIfPresent([Double].self, forKey: .range) {
            guard range.count == 2, range[0] <= range[1] else {
                throw DecodingError.dataCorruptedError(forKey: .range, in: container, debugDescription: "range must be [min, max]")
            }
            plausibleRange = range[0]...range[1]
        }
        stateClass = try container.decodeIfPresent(FieldDescriptor.StateClass.self, forKey: .stateClass)
        deviceClass = try container.decodeIfPresent(FieldDescriptor.DeviceClass.self, forKey: .deviceClass)
        if let labels = try container.decodeIfPresent([String: String].self, forKey: .lookup) {
            // "1" and "01" are different JSON keys but the same number: refuse, never trap.
            lookup = try Dictionary(
                labels.map { key, label in
                    guard let raw = UInt64(key) else {
                        throw DecodingError.dataCorruptedError(forKey: .lookup, in: container, debugDescription: "lookup key \(key) is not a number")
                    }
                    return (raw, label)
                },
                uniquingKeysWith: { _, _ in
                    throw DecodingError.dataCorruptedError(forKey: .lookup, in: container, debugDescription: "lookup has the same number twice")
                }
            )
        }
        if let names = try container.decodeIfPresent([String: String].self, forKey: .bits) {
            bits = try Dictionary(
                names.map { key, label in
                    guard let bit = Int(key), (0..<64).contains(bit) else {
                        throw DecodingError.dataCorruptedError(forKey: .bits, in: container, debugDescription: "bit \(key) is not 0...63")
                    }
                    return (bit, label)
                },
                uniquingKeysWith: { _, _ in
                    throw DecodingError.dataCorruptedError(forKey: .bits, in: container, debugDescription: "bits names the same bit twice")
                }
            )
        }
        flag = try container.decodeIfPresent(Bool.self, forKey: .flag) ?? false
        bit = try container.decodeIfPresent(Int.self, forKey: .bit)
        if let bit, !(0..<64).contains(bit) {
            throw DecodingError.dataCorruptedError(forKey: .bit, in: container, debugDescription: "bit \(bit) is not 0...63")
        }
        slow = try container.decodeIfPresent(Bool.self, forKey: .slow) ?? false
        guard !registers.isEmpty || !(sum ?? []).isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .registers, in: container, debugDescription: "field \(id) has neither registers nor sum")
        }
        guard registers.count <= 4 else {
            throw DecodingError.dataCorruptedError(forKey: .registers, in: container, debugDescription: "field \(id) spans more than 64 bits")
        }
        for term in sum ?? [] where !(1...4).contains(term.registers.count) || (term.multiply?.count ?? 1) > 4 {
            throw DecodingError.dataCorruptedError(forKey: .sum, in: container, debugDescription: "field \(id) has a sum term of \(term.registers.count) registers; 1 to 4")
        }
    }

    /// Every register this field reads.
    public var allRegisters: [UInt16] {
        registers + (sum ?? []).flatMap { $0.registers + ($0.multiply ?? []) }
    }

    /// How dashboards, HA and Prometheus see this field.
    public var descriptor: FieldDescriptor {
        if flag {
            return FieldDescriptor(id: id, name: name, kind: .flag, precision: 0, plausibleRange: 0...1)
        }
        if lookup != nil || bits != nil || type == .ascii {
            return FieldDescriptor(id: id, name: name, kind: .text, deviceClass: lookup != nil ? .enumeration : nil, precision: 0)
        }
        return FieldDescriptor(
            id: id,
            name: name,
            unit: unit,
            deviceClass: deviceClass ?? unit.defaultDeviceClass,
            stateClass: stateClass ?? (unit == .none ? nil : .measurement),
            precision: precision,
            plausibleRange: plausibleRange
        )
    }
}
