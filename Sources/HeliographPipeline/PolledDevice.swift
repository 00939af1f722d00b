import HeliographCore

/// A driver together with its schedule.
public struct PolledDevice: Sendable {
    public var driver: any PolledDriver
    /// Time between the starts of two polls.
    public var interval: Duration
    /// Longest one `describe` or `poll` may take before it counts as failed.
    public var timeout: Duration

    public init(driver: any PolledDriver, interval: Duration = .seconds(10), timeout: Duration = .seconds(5)) {
        self.driver = driver
        self.interval = interval
        self.timeout = timeout
    }

    public var device: DeviceID { driver.device }
}
