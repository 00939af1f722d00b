import Logging

/// A device that is asked for readings on a schedule (PI30, Solarman, Modbus).
///
/// The `Poller` owns the schedule, the timeout and the backoff; a driver only knows how to ask
/// its device once. A driver may keep its connection open between polls, but must reconnect by
/// itself on the next poll after a failure.
public protocol PolledDriver: Sendable {
    var device: DeviceID { get }

    /// Reads identity and model from the device (or its config) and lists the fields it reports.
    func describe(logger: Logger) async throws -> DeviceDescriptor

    /// Asks the device once. Usually one sample; a gateway (a DTU with many inverters) may return several.
    func poll(logger: Logger) async throws -> [Sample]
}

/// A driver that can change settings on its device. Only `CommandGate` calls it.
public protocol SettingsDriver: Sendable {
    /// The settings this device accepts, with their ranges.
    var settings: [SettingDescriptor] { get }

    /// Applies one setting and returns what the device reports afterwards (read-back), if it can.
    func apply(_ change: SettingChange, logger: Logger) async throws -> SettingOutcome

    /// The settings' values as last read from the device (on the settings interval and after every
    /// write), by setting id; a setting not read yet is absent.
    func currentSettings() -> [String: SettingReading]
}

extension SettingsDriver {
    /// A device that cannot report its settings: every value is unknown.
    public func currentSettings() -> [String: SettingReading] { [:] }
}
