import Foundation

/// A token bucket per key: `burst` requests at once, then one every `interval`. Pure value; the
/// caller passes the time, so tests need no clock.
///
/// Memory stays bounded whatever the keys: a bucket that has refilled is the same as no bucket and is
/// forgotten, and beyond `maximumKeys` the buckets touched longest ago are forgotten first (which can only
/// give their owners a fresh burst, never refuse anyone). Callers should pass short keys; `LoginLimiter`
/// hashes user names for that.
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

        /// How long an empty bucket takes to fill again, after which it need not be kept.
        public var refillTime: TimeInterval { Double(burst) * interval }
    }

    private struct Bucket: Sendable {
        var tokens: Double
        var updated: Date
    }

    public let limit: Limit
    /// At most this many buckets are kept.
    public let maximumKeys: Int
    private var buckets: [String: Bucket] = [:]

    public init(limit: Limit, maximumKeys: Int = 10_000) {
        self.limit = limit
        self.maximumKeys = max(1, maximumKeys)
    }

    /// Takes one token for `key` if there is one; returns how long to wait otherwise.
    public mutating func take(_ key: String, now: Date) -> TimeInterval? {
        var bucket = refilled(key, now: now)
        defer {
            buckets[key] = bucket
            if buckets.count > maximumKeys { forgetStale(now: now) }
        }
        guard bucket.tokens >= 1 else { return wait(bucket) }
        bucket.tokens -= 1
        return nil
    }

    /// How long until `key` has a token again, or nil when it has one now. Takes nothing.
    public func wait(for key: String, now: Date) -> TimeInterval? {
        let bucket = refilled(key, now: now)
        return bucket.tokens >= 1 ? nil : wait(bucket)
    }

    /// How many keys are tracked now (for tests and `/stats`).
    public var trackedKeys: Int { buckets.count }

    /// What the buckets take in memory: keys, bucket values and the dictionary's slots.
    public var approximateBytes: Int {
        let slot = MemoryLayout<String>.stride + MemoryLayout<Bucket>.stride
        return buckets.capacity * slot + buckets.keys.reduce(0) { $0 + ($1.utf8.count > 15 ? $1.utf8.count : 0) }
    }

    private func refilled(_ key: String, now: Date) -> Bucket {
        var bucket = buckets[key] ?? Bucket(tokens: Double(limit.burst), updated: now)
        let refill = max(0, now.timeIntervalSince(bucket.updated)) / limit.interval
        bucket.tokens = min(Double(limit.burst), bucket.tokens + refill)
        bucket.updated = now
        return bucket
    }

    private func wait(_ bucket: Bucket) -> TimeInterval { (1 - bucket.tokens) * limit.interval }

    /// Drops full buckets, then, if still over the cap, the least recently touched down to three quarters
    /// of it, so a flood of new keys costs one sort per quarter of the cap rather than one per key.
    private mutating func forgetStale(now: Date) {
        let full = Double(limit.burst)
        buckets = buckets.filter { $0.value.tokens + max(0, now.timeIntervalSince($0.value.updated)) / limit.interval < full }
        guard buckets.count > maximumKeys else { return }
        let keep = buckets.sorted { $0.value.updated > $1.value.updated }.prefix(max(1, maximumKeys * 3 / 4))
        buckets = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
    }
}
