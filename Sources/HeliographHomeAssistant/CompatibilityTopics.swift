import HeliographCore

/// The topics of the single-inverter system Heliograph replaces, kept so existing Home Assistant
/// YAML sensors and automations keep working: `<root>/{metric}` per field, `<root>/actual_mode`,
/// `<root>/desired_mode` (both retained) and `<root>/set_mode` (a command), with `<root>` usually
/// `homeassistant/inverter`. They describe one device.
public struct CompatibilityTopics: Sendable, Hashable {
    public var root: String
    public var device: DeviceID
    /// The setting `set_mode` changes and the modes report; nil when the device has none.
    public var modeSetting: SettingDescriptor?

    public init(root: String = "homeassistant/inverter", device: DeviceID, modeSetting: SettingDescriptor? = nil) {
        self.root = root
        self.device = device
        self.modeSetting = modeSetting
    }

    /// Settings that act as "the mode", in order of preference: PI30 output source priority, Deye work mode.
    public static let modeSettingIDs = ["output_source_priority", "work_mode"]

    /// The device's mode setting, if it has one.
    public static func modeSetting(in settings: [SettingDescriptor]) -> SettingDescriptor? {
        modeSettingIDs.lazy.compactMap { id in settings.first { $0.id == id } }.first
    }

    public func metric(_ field: FieldID) -> String { "\(root)/\(field.rawValue)" }
    public var actualMode: String { "\(root)/actual_mode" }
    public var desiredMode: String { "\(root)/desired_mode" }
    public var setMode: String { "\(root)/set_mode" }

    /// The mode the device reports in `sample`: its mode setting's read-back field, or else its
    /// operating mode (a device without a mode setting still shows what it is doing).
    public func actualMode(in sample: Sample) -> String? {
        if let field = modeSetting?.readBack, let value = sample.values[field] { return SettingValue(value)?.mqttPayload }
        if case .text(let mode)? = sample.values[CommonFields.operatingMode.id] { return mode }
        return nil
    }
}
