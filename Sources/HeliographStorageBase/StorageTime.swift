import Foundation

extension Date {
    /// Milliseconds since 1970, the time unit both stores compute in (and SQLite's tables hold).
    package var storageMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1_000).rounded()) }

    package init(storageMilliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(storageMilliseconds) / 1_000)
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    package var milliseconds: Int64 {
        components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000
    }
}

/// Time arithmetic of both stores, in milliseconds since 1970.
package enum StorageTime {
    /// The start of the `step`-wide window holding `time`, aligned to 1970 (also before it).
    package static func floor(_ time: Int64, _ step: Int64) -> Int64 {
        time >= 0 ? time / step * step : ((time - step + 1) / step) * step
    }

    /// `from..<to` in ms, nil when it holds no time (a request for nothing, not an error).
    package static func span(from: Date, to: Date) -> Range<Int64>? {
        let start = from.storageMilliseconds
        let end = to.storageMilliseconds
        return end > start ? start..<end : nil
    }

    /// The oldest time a tier keeping `days` days still holds, or nil when it keeps everything (0 days).
    package static func cutoff(days: Int, now: Int64) -> Int64? {
        days > 0 ? now - Int64(days) * 86_400_000 : nil
    }
}
