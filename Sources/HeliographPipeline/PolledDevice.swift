import ServiceLifecycle
import HeliographCore

/// A driver together with its schedule.
public struct PolledDevice: Sendable {
    public var driver: any PolledDriver
    /// Time between the starts of two polls.
    public var interval: Duration
    /// Longest one `describe` or `poll` may take before it counts as failed.
    public var timeout: Duration
    /// A service the driver needs running while it is polled (a DTU driver owns its Modbus
    /// connection); the composition root starts it before the poller.
    public var service: (any Service)?

    public init(driver: any PolledDriver, interval: Duration = .seconds(10), timeout: Duration = .seconds(5), service: (any Service)? = nil) {
        self.driver = driver
        self.interval = interval
        self.timeout = timeout
        self.service = service
    }

    public var device: DeviceID { driver.device }
}
