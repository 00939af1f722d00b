/// What a device is: identity, model and the fields it reports.
public struct DeviceDescriptor: Sendable, Hashable, Codable {
    /// The protocol family, e.g. `pi30`, `deye-hybrid`, `hoymiles-dtu`, `powervault-p3`, `sensor`, `weather`.
    public var kind: String
    public var id: DeviceID
    public var name: String
    public var manufacturer: String
    public var model: String
    public var serial: String?
    public var firmware: String?
    public var fields: [FieldDescriptor]
    /// The gateway this device sits behind (a Hoymiles inverter's DTU), nil for a device reached directly.
    public var parent: DeviceID?

    public init(
        kind: String,
        id: DeviceID,
        name: String? = nil,
        manufacturer: String,
        model: String,
        serial: String? = nil,
        firmware: String? = nil,
        fields: [FieldDescriptor],
        parent: DeviceID? = nil
    ) {
        self.kind = kind
        self.id = id
        self.name = name ?? id.rawValue
        self.manufacturer = manufacturer
        self.model = model
        self.serial = serial
        self.firmware = firmware
        self.fields = fields
        self.parent = parent
    }

    public func field(_ id: FieldID) -> FieldDescriptor? { fields.first { $0.id == id } }
}
