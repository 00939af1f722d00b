import Foundation
import HeliographCore
import HeliographStorageBase

/// A day, an ISO week (Monday to Sunday), a calendar month or a year, in the site's time zone. Days are
/// local calendar days, so the spring-forward day lasts 23 hours and the fall-back day 25.
public struct EnergyPeriod: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case day, week, month, year
    }

    /// One local span: a day, an hour of a day view, or a month of a year view. Times in milliseconds since 1970.
    public struct Span: Sendable, Hashable, Codable {
        /// `yyyy-MM-dd` for a day, `yyyy-MM` for a month, `yyyy-MM-ddTHH:mm±hh:mm` for an hour (the offset
        /// tells apart the two 01:00 hours of a fall-back day).
        public var key: String
        public var start: Int64
        public var end: Int64
    }

    public let kind: Kind
    public let timeZone: TimeZone
    /// The period's bounds: its first local midnight and the one after its last day.
    public let start: Int64
    public let end: Int64
    /// Every local day, in order.
    public let days: [Span]
    /// What a chart draws a bar for: the hours of a day (23 or 25 on DST days), the days of a week or
    /// month, the months of a year.
    public let bars: [Span]
    /// The first day of the previous and the next period, for paging.
    public let previous: String
    public let next: String

    /// The period of `kind` holding the local day `date` (`yyyy-MM-dd`).
    /// - Throws: `invalidRequest` when `date` is not a real calendar day.
    public init(_ kind: Kind, containing date: String, timeZone: TimeZone) throws(HeliographError) {
        let calendar = Self.calendar(timeZone)
        guard let day = Self.parse(date, calendar: calendar) else {
            throw HeliographError(.invalidRequest, "date must be a calendar day as YYYY-MM-DD; got \(date)")
        }
        let component: Calendar.Component = switch kind {
        case .day: .day
        case .week: .weekOfYear
        case .month: .month
        case .year: .year
        }
        guard let interval = calendar.dateInterval(of: component, for: day),
            let previous = calendar.date(byAdding: component, value: -1, to: interval.start),
            let next = calendar.date(byAdding: component, value: 1, to: interval.start)
        else {
            throw HeliographError(.invalidRequest, "no \(kind.rawValue) holds \(date) in \(timeZone.identifier)")
        }
        self.kind = kind
        self.timeZone = timeZone
        start = interval.start.storageMilliseconds
        end = interval.end.storageMilliseconds
        var days: [Span] = []
        var cursor = interval.start
        while cursor < interval.end, let following = calendar.date(byAdding: .day, value: 1, to: cursor) {
            days.append(Span(key: Self.key(cursor, calendar: calendar), start: cursor.storageMilliseconds, end: following.storageMilliseconds))
            cursor = following
        }
        self.days = days
        if kind == .year {
            bars = (0..<12).compactMap { offset in
                guard let month = calendar.date(byAdding: .month, value: offset, to: interval.start),
                    let following = calendar.date(byAdding: .month, value: 1, to: month)
                else { return nil }
                return Span(key: String(Self.key(month, calendar: calendar).prefix(7)), start: month.storageMilliseconds, end: following.storageMilliseconds)
            }
        } else if kind == .day {
            // Hours of absolute time, so DST days get 23 or 25 of them; a zone whose midnight is
            // not on the hour (none today) would have a short last bar.
            let (first, last) = (interval.start.storageMilliseconds, interval.end.storageMilliseconds)
            bars = stride(from: first, to: last, by: 3_600_000).map { hour in
                Span(key: Self.hourKey(Date(storageMilliseconds: hour), calendar: calendar), start: hour, end: min(hour + 3_600_000, last))
            }
        } else {
            bars = days
        }
        self.previous = Self.key(previous, calendar: calendar)
        self.next = Self.key(next, calendar: calendar)
    }

    /// The local day holding `time`, as `yyyy-MM-dd`.
    public static func dayKey(_ time: Date, timeZone: TimeZone) -> String { key(time, calendar: calendar(timeZone)) }

    /// Gregorian with ISO weeks: Monday first, week 1 holds the year's first Thursday.
    static func calendar(_ timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        calendar.firstWeekday = 2
        calendar.minimumDaysInFirstWeek = 4
        calendar.locale = Locale(identifier: "en_US_POSIX")
        return calendar
    }

    /// Local midnight of a strictly written `yyyy-MM-dd` that names a real day (no 2026-02-30).
    static func parse(_ text: String, calendar: Calendar) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        let components = DateComponents(year: year, month: month, day: day, hour: 12)
        guard let noon = calendar.date(from: components), calendar.component(.day, from: noon) == day, calendar.component(.month, from: noon) == month else {
            return nil
        }
        return calendar.startOfDay(for: noon)
    }

    /// `yyyy-MM-ddTHH:mm±hh:mm`: the local clock time and its offset from UTC.
    static func hourKey(_ date: Date, calendar: Calendar) -> String {
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        let offset = calendar.timeZone.secondsFromGMT(for: date) / 60
        let sign = offset < 0 ? "-" : "+"
        return key(date, calendar: calendar)
            + String(format: "T%02d:%02d%@%02d:%02d", parts.hour ?? 0, parts.minute ?? 0, sign, abs(offset) / 60, abs(offset) % 60)
    }

    static func key(_ date: Date, calendar: Calendar) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}
