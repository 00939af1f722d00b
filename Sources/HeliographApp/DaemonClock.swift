import struct Foundation.Date

/// The daemon's sense of time of day: the wall clock when it runs for real, or simulated time
/// running `speed` times faster for the soak benchmark (a simulated day of polls in minutes).
///
/// It stamps samples (the drivers that take a clock), drives the store's retention cutoffs and
/// compaction windows, and shortens the store's maintenance interval by `speed`, so compaction,
/// rollups and retention see a day of data as they would in a real day. Poll intervals are the
/// configuration's: the soak benchmark scales them itself.
public struct DaemonClock: Sendable {
    /// The current time of day (wall or simulated).
    public let now: @Sendable () -> Date
    /// Simulated seconds per real second; 1 for the wall clock.
    public let speed: Double

    public init(speed: Double = 1, now: @escaping @Sendable () -> Date) {
        precondition(speed > 0, "a clock's speed must be positive")
        self.speed = speed
        self.now = now
    }

    /// The wall clock.
    public static let wall = DaemonClock { Date() }

    /// How long `simulated` time takes in real time.
    public func real(_ simulated: Duration) -> Duration {
        speed == 1 ? simulated : simulated / speed
    }
}
