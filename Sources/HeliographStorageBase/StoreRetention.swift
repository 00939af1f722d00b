import HeliographCore

/// How long each tier of history is kept, in days; 0 keeps it forever. One meaning for both stores.
///
/// Raw points compress to about 1.5 bytes each in SQLite, cheaper per minute of history than a
/// 1-minute rollup row (~50 bytes), so raw history is kept forever by default and the 1-minute tier
/// only for the spans `Rollup.suitable` charts with it (up to 12.5 days); older minute buckets are
/// computed from raw points when asked for.
public struct StoreRetention: Sendable, Hashable {
    /// Full-resolution points. Points older than this are not even stored.
    public var rawDays: Int
    public var minuteRollupDays: Int
    public var hourRollupDays: Int
    public var dayRollupDays: Int

    public init(rawDays: Int = 0, minuteRollupDays: Int = 14, hourRollupDays: Int = 0, dayRollupDays: Int = 0) {
        self.rawDays = rawDays
        self.minuteRollupDays = minuteRollupDays
        self.hourRollupDays = hourRollupDays
        self.dayRollupDays = dayRollupDays
    }

    /// Days kept for a rollup tier.
    public func days(for rollup: Rollup) -> Int {
        switch rollup {
        case .minute: minuteRollupDays
        case .hour: hourRollupDays
        case .day: dayRollupDays
        }
    }

    /// Throws `invalidConfiguration` when a tier's days are negative.
    public func validate() throws(HeliographError) {
        guard [rawDays, minuteRollupDays, hourRollupDays, dayRollupDays].allSatisfy({ $0 >= 0 }) else {
            throw HeliographError(.invalidConfiguration, "storage retention days must be 0 (forever) or positive")
        }
    }

    /// The oldest time (ms) raw points are kept from as of `now`, or nil when kept forever.
    package func rawCutoff(now: Int64) -> Int64? { StorageTime.cutoff(days: rawDays, now: now) }

    /// The oldest time (ms) a rollup tier keeps as of `now`, or nil when kept forever.
    package func cutoff(_ rollup: Rollup, now: Int64) -> Int64? { StorageTime.cutoff(days: days(for: rollup), now: now) }

    /// Whether a tier still keeps the bucket starting at `start` as of `now`; retention never recreates a dropped bucket.
    package func keeps(_ rollup: Rollup, bucket start: Int64, now: Int64) -> Bool {
        cutoff(rollup, now: now).map { start + rollup.milliseconds > $0 } ?? true
    }
}
