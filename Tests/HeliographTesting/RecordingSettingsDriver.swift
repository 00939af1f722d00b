import Foundation
import HeliographCore
import Logging
import Synchronization

/// A `SettingsDriver` double that records what it was asked to apply and answers as configured.
public final class RecordingSettingsDriver: SettingsDriver {
    /// How the fake device reacts to a change.
    public enum Behaviour: Sendable {
        /// Accepts and reads back the requested value.
        case accept
        /// Accepts but reads back this value instead (a device that silently clamps).
        case readBack(SettingValue)
        /// Answers NAK.
        case refuse
        /// Throws this error (timeout, vanished device).
        case fail(HeliographError)
    }

    public let settings: [SettingDescriptor]
    /// What the fake device reports as its current settings; an accepted change updates it.
    public let readings = SettingReadings()
    private let state: Mutex<(behaviour: Behaviour, applied: [SettingChange])>

    public init(settings: [SettingDescriptor] = RecordingSettingsDriver.exampleSettings, behaviour: Behaviour = .accept) {
        self.settings = settings
        self.state = Mutex((behaviour, []))
    }

    /// Changes that reached the device, oldest first.
    public var applied: [SettingChange] { state.withLock { $0.applied } }

    public func setBehaviour(_ behaviour: Behaviour) { state.withLock { $0.behaviour = behaviour } }

    public func currentSettings() -> [String: SettingReading] { readings.all }

    public func apply(_ change: SettingChange, logger: Logger) async throws -> SettingOutcome {
        let behaviour = state.withLock { state in
            state.applied.append(change)
            return state.behaviour
        }
        switch behaviour {
        case .accept:
            readings.record([change.setting: change.value], at: Date())
            return SettingOutcome(accepted: true, readBack: change.value, message: "ACK")
        case .readBack(let value):
            readings.record([change.setting: value], at: Date())
            return SettingOutcome(accepted: true, readBack: value, message: "ACK")
        case .refuse: return SettingOutcome(accepted: false, message: "NAK")
        case .fail(let error): throw error
        }
    }

    /// A PI30-like allow-list: output priority, charge current, buzzer.
    public static let exampleSettings: [SettingDescriptor] = [
        SettingDescriptor(
            id: "output_source_priority",
            name: "Output source priority",
            values: .choice(["utility", "solar", "sbu"]),
            readBack: "output_source_priority"
        ),
        SettingDescriptor(
            id: "max_charge_current",
            name: "Maximum charge current",
            values: .number(range: 10...120, step: 10, unit: .ampere),
            readBack: "max_charge_current_a"
        ),
        SettingDescriptor(id: "buzzer", name: "Buzzer", values: .toggle),
    ]
}
