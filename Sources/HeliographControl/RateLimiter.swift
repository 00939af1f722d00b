import Foundation

/// A token bucket per caller: `burst` commands at once, then one every `interval`. Pure value; the
/// caller passes the time, so tests need no clock.
public struct RateLimiter: Sendable {
    /// The limit: `burst` requests, refilled at one per `interval` seconds.
    public struct Limit: Sendable, Hashable {
        public var burst: Int
        public var interval: TimeInterval

        public init(burst: Int, interval: TimeInterval) {
            self.burst = max(1, burst)
            self.interval = max(0.001, interval)
        }

        /// Five commands at once, then one every six seconds (ten a minute).
        public static let commands = Limit(burst: 5, interval: 6)
    }

    public let limit: Limit
    private var buckets: [String: (tokens: Double, updated: Date)] = [:]

    public init(limit: Limit) { self.limit = limit }

    /// Takes one token for `key` if there is one; returns how long to wait otherwise.
    public mutating func take(_ key: String, now: Date) -> TimeInterval? {
        var bucket = buckets[key] ?? (Double(limit.burst), now)
        let refill = max(0, now.timeIntervalSince(bucket.updated)) / limit.interval
        bucket.tokens = min(Double(limit.burst), bucket.tokens + refill)
        bucket.updated = now
        defer {
            buckets[key] = bucket
            if buckets.count > 10_000 { buckets = buckets.filter { $0.value.tokens < Double(limit.burst) } }
        }
        guard bucket.tokens >= 1 else { return (1 - bucket.tokens) * limit.interval }
        bucket.tokens -= 1
        return nil
    }
}
