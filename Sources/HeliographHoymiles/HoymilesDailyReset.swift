import Foundation

/// When the DTU's "today" counters restart: an hour of the day in a time zone (the DTU's own
/// clock, usually local midnight). Production before that hour belongs to the previous day.
public struct HoymilesDailyReset: Sendable, Hashable {
    public var hour: Int
    public var timeZone: TimeZone

    public init(hour: Int = 0, timeZone: TimeZone = .current) {
        precondition((0..<24).contains(hour), "reset hour must be 0...23")
        self.hour = hour
        self.timeZone = timeZone
    }

    /// The production day `date` falls in, as `yyyy-MM-dd`.
    public func day(of date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let shifted = date.addingTimeInterval(-Double(hour) * 3_600)
        let parts = calendar.dateComponents([.year, .month, .day], from: shifted)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}
