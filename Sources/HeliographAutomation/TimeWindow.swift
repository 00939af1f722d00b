import HeliographCore

import struct Foundation.Calendar
import struct Foundation.Date
import struct Foundation.TimeZone

/// A daily span of local time, `10:00-16:00`; a span whose end is before its start runs over
/// midnight (`22:00-06:00`). Optionally limited to weekdays.
public struct TimeWindow: Sendable, Hashable, CustomStringConvertible {
    /// Minutes after local midnight.
    public var start: Int
    public var end: Int
    /// 1 = Sunday … 7 = Saturday (Foundation's numbering); empty means every day.
    public var weekdays: Set<Int>

    public init(start: Int, end: Int, weekdays: Set<Int> = []) {
        self.start = start
        self.end = end
        self.weekdays = weekdays
    }

    public var description: String {
        func clock(_ minutes: Int) -> String {
            let hours = minutes / 60, rest = minutes % 60
            return (hours < 10 ? "0" : "") + "\(hours):" + (rest < 10 ? "0" : "") + "\(rest)"
        }
        return "\(clock(start))–\(clock(end))"
    }

    /// Whether `time` falls in the window, in `timeZone`.
    public func contains(_ time: Date, timeZone: TimeZone) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute, .weekday], from: time)
        let minutes = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        if !weekdays.isEmpty {
            // Over midnight, the early part belongs to the day the window started.
            var day = parts.weekday ?? 1
            if start > end && minutes < end { day = day == 1 ? 7 : day - 1 }
            guard weekdays.contains(day) else { return false }
        }
        if start <= end { return minutes >= start && minutes < end }
        return minutes >= start || minutes < end
    }

    /// Parses `HH:MM-HH:MM`.
    public static func parse(_ text: String) throws(HeliographError) -> TimeWindow {
        let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: " ") }
        guard parts.count == 2, let start = minutes(parts[0]), let end = minutes(parts[1]), start != end else {
            throw HeliographError(.invalidConfiguration, "'\(text)' is not a time window; write e.g. 10:00-16:00 (local time)")
        }
        return TimeWindow(start: start, end: end)
    }

    private static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]), (0...24).contains(hours), (0..<60).contains(minutes) else { return nil }
        let total = hours * 60 + minutes
        return total <= 1_440 ? total : nil
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
