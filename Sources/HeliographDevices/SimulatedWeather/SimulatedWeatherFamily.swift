import HeliographConfigFile
import HeliographCore
import HeliographPipeline
import HeliographWeather

import struct Foundation.Date

/// Options of a simulated weather station (`type: simulated-weather`), for demos and trying rules
/// without a network.
///
/// ```yaml
/// devices:
///   weather:
///     type: simulated-weather
///     seed: 24301     # which weather; the same seed gives the same days. Default 24301
///     speed: 1        # simulated time runs this many times faster than real time. Default 1
///     interval: 1m
/// ```
public struct SimulatedWeatherOptions: DeviceFamilyOptions {
    public var seed: UInt64
    public var speed: Double
    /// Where simulated time starts running faster (the demo's start); nil takes the driver's creation.
    public var clockOrigin: Date?

    public init(seed: UInt64 = 0x5EED, speed: Double = 1, clockOrigin: Date? = nil) {
        self.seed = seed
        self.speed = speed
        self.clockOrigin = clockOrigin
    }

    static func parse(_ section: ConfigurationSection) -> SimulatedWeatherOptions? {
        var options = SimulatedWeatherOptions()
        if let seed = section.int("seed", in: 0...Int.max) { options.seed = UInt64(seed) }
        options.speed = section.double("speed", in: 0.1...100_000) ?? options.speed
        return options
    }

    /// Simulated time: real time since the origin, `speed` times faster.
    public static func clock(origin: Date, speed: Double, now: @escaping @Sendable () -> Date) -> @Sendable () -> Date {
        { origin.addingTimeInterval(now().timeIntervalSince(origin) * speed) }
    }
}

extension DeviceFamily {
    /// Weather from `SimulatedSky` at the site's latitude and longitude.
    public static let simulatedWeather = DeviceFamily(
        name: "simulated-weather",
        keys: ["seed", "speed"],
        defaultInterval: .seconds(60),
        parse: SimulatedWeatherOptions.parse,
        makeDevice: { options, device, context in
            guard let latitude = context.siteLatitude, let longitude = context.siteLongitude else {
                throw HeliographError(.invalidConfiguration, "simulated weather needs site.latitude and site.longitude", device: device.id)
            }
            let sky = SimulatedSky(seed: options.seed, latitude: latitude, longitude: longitude)
            let origin = options.clockOrigin ?? context.now()
            let clock = SimulatedWeatherOptions.clock(origin: origin, speed: options.speed, now: context.now)
            let driver = SimulatedWeatherDriver(device: device.id, sky: sky, simulatedTime: clock, now: context.now)
            return PolledDevice(driver: driver, interval: device.interval, timeout: device.timeout)
        }
    )
}
