import HeliographCore
import HeliographMQTT
import Logging

import struct Foundation.Date
import struct Foundation.TimeZone

/// What the daemon offers a family when it builds a device's driver, beyond the device's own section.
public struct DeviceContext: Sendable {
    /// The site's time zone (daily counters that restart at local midnight).
    public var timeZone: TimeZone
    /// Where the site is (`site.latitude`, `site.longitude`), for sources that default to it.
    public var siteLatitude: Double?
    public var siteLongitude: Double?
    /// The `mqtt:` broker connection, nil when the file has none.
    public var mqtt: (any MQTTPublisher)?
    /// The clock drivers stamp samples with: the wall clock, or simulated time in the soak benchmark.
    public var now: @Sendable () -> Date
    /// The daemon's history, for drivers that pick up where they left off after a restart
    /// (the Hoymiles DTU's last known lifetime totals); nil in tools and tests without one.
    public var store: (any SampleStore)?
    public var logger: Logger

    public init(
        timeZone: TimeZone = .current,
        siteLatitude: Double? = nil,
        siteLongitude: Double? = nil,
        mqtt: (any MQTTPublisher)? = nil,
        now: @escaping @Sendable () -> Date = { Date() },
        store: (any SampleStore)? = nil,
        logger: Logger
    ) {
        self.timeZone = timeZone
        self.siteLatitude = siteLatitude
        self.siteLongitude = siteLongitude
        self.mqtt = mqtt
        self.now = now
        self.store = store
        self.logger = logger
    }
}
