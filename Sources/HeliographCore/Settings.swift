import struct Foundation.Date

/// A setting a device accepts, with the values that are allowed. This is the allow-list.
public struct SettingDescriptor: Sendable, Hashable, Codable {
    public enum Values: Sendable, Hashable, Codable {
        /// One of a fixed set of labels (output source priority: `utility`, `solar`, `sbu`).
        case choice([String])
        /// A number in range, in steps (charge current 10...120 A in 10 A steps).
        case number(range: ClosedRange<Double>, step: Double, unit: FieldDescriptor.Unit)
        case toggle
    }

    public var id: String
    public var name: String
    public var values: Values
    /// The field that reports the current value, for read-back and display.
    public var readBack: FieldID?

    public init(id: String, name: String, values: Values, readBack: FieldID? = nil) {
        self.id = id
        self.name = name
        self.values = values
        self.readBack = readBack
    }

    /// Checks a requested value against the allow-list; returns the normalised value or throws.
    public func validate(_ value: SettingValue) throws(HeliographError) -> SettingValue {
        switch (values, value) {
        case (.choice(let options), .choice(let label)):
            guard options.contains(label) else {
                throw HeliographError(.settingRejected, "\(id) must be one of \(options.joined(separator: ", ")); got \(label)")
            }
            return value
        case (.number(let range, let step, _), .number(let number)):
            guard range.contains(number) else {
                throw HeliographError(.settingRejected, "\(id) must be within \(range.lowerBound)...\(range.upperBound); got \(number)")
            }
            if step > 0 {
                let steps = (number - range.lowerBound) / step
                guard abs(steps - steps.rounded()) < 1e-6 else {
                    throw HeliographError(.settingRejected, "\(id) must be a multiple of \(step) from \(range.lowerBound); got \(number)")
                }
            }
            return value
        case (.toggle, .toggle):
            return value
        default:
            throw HeliographError(.settingRejected, "\(id) does not take a value of that kind")
        }
    }
}

public enum SettingValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case choice(String)
    case number(Double)
    case toggle(Bool)

    public var description: String {
        switch self {
        case .choice(let label): label
        case .number(let number): number.formatted()
        case .toggle(let on): on ? "on" : "off"
        }
    }
}

/// A request to change one setting of one device.
public struct SettingChange: Sendable, Hashable, Codable {
    public var device: DeviceID
    public var setting: String
    public var value: SettingValue

    public init(device: DeviceID, setting: String, value: SettingValue) {
        self.device = device
        self.setting = setting
        self.value = value
    }
}

/// What happened when a setting was applied.
public struct SettingOutcome: Sendable, Hashable, Codable {
    /// The device acknowledged the change.
    public var accepted: Bool
    /// The value read back after writing, when the device can report it.
    public var readBack: SettingValue?
    public var message: String

    public init(accepted: Bool, readBack: SettingValue? = nil, message: String) {
        self.accepted = accepted
        self.readBack = readBack
        self.message = message
    }
}

extension Double {
    fileprivate func formatted() -> String {
        self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self)
    }
}
