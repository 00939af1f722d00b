import struct Foundation.Date
import Synchronization

/// A setting's value as last read from the device, with the time it was read (not the time of a
/// later sample): a page that shows a wrong current setting is a safety bug, so the age travels along.
public struct SettingReading: Sendable, Hashable, Codable {
    /// In the vocabulary the command API accepts (choice labels, numbers in the setting's unit, on/off).
    public var value: SettingValue
    public var time: Date

    public init(value: SettingValue, time: Date) {
        self.value = value
        self.time = time
    }
}

/// The settings found in the replies of one settings round, each with the time its reply arrived.
public typealias SettingRound = [(values: [String: SettingValue], time: Date)]

/// The settings a driver last read from its device, by setting id. Shared by copies of the driver,
/// written on every settings read (the settings interval, and right after each write).
public final class SettingReadings: Sendable {
    private struct State {
        var readings: [String: SettingReading] = [:]
        /// When every settings query was last asked, for the settings interval.
        var lastRound: Date?
    }

    private let state = Mutex(State())

    public init() {}

    /// Every setting read so far.
    public var all: [String: SettingReading] { state.withLock { $0.readings } }

    /// Records values read together at `time`; settings not among them keep their older reading.
    public func record(_ values: [String: SettingValue], at time: Date) {
        guard !values.isEmpty else { return }
        state.withLock { state in
            for (id, value) in values { state.readings[id] = SettingReading(value: value, time: time) }
        }
    }

    /// Records the replies of one settings round together, each with its own read time, so a reader
    /// never sees half a round (QPIRI's settings read, QFLAG's still unknown).
    public func record(round replies: SettingRound) {
        guard replies.contains(where: { !$0.values.isEmpty }) else { return }
        state.withLock { state in
            for reply in replies {
                for (id, value) in reply.values { state.readings[id] = SettingReading(value: value, time: reply.time) }
            }
        }
    }

    /// Notes that all settings were just read (on the interval or after a write).
    public func roundCompleted(at time: Date) { state.withLock { $0.lastRound = time } }

    /// Makes the next poll read the settings again (after a write, so the samples, and with them the
    /// history, carry the new value too).
    public func requestRound() { state.withLock { $0.lastRound = nil } }

    /// True when the settings were never read, or last read `interval` or longer before `now`.
    public func isDue(every interval: Duration, now: Date) -> Bool {
        state.withLock { state in
            guard let last = state.lastRound else { return true }
            let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
            return now.timeIntervalSince(last) >= seconds
        }
    }

    /// The settings among `fields` (a decoded reply), through each descriptor's read-back field.
    public static func values(of settings: [SettingDescriptor], in fields: [FieldID: FieldValue]) -> [String: SettingValue] {
        var values: [String: SettingValue] = [:]
        for setting in settings {
            guard let field = fields[setting.readBack ?? FieldID(setting.id)] else { continue }
            switch (setting.values, field) {
            case (.choice, .text(let label)): values[setting.id] = .choice(label)
            case (.number, .number(let number)): values[setting.id] = .number(number)
            case (.toggle, .flag(let on)): values[setting.id] = .toggle(on)
            default: continue
            }
        }
        return values
    }
}
