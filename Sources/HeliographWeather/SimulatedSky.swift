import HeliographCore

import struct Foundation.Calendar
import struct Foundation.Date
import struct Foundation.TimeZone

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Believable weather for simulators and the demo, the same for the same seed and instant.
///
/// Each day draws its cloudiness from the seed (clear, mixed and overcast days, in short runs as
/// weather comes), which wanders hour by hour around it; temperature follows the season for the
/// latitude and the sun through the day, damped on cloudy days. Pure: no clock, no state, so a
/// history written in one go and live readings later agree at every instant.
public struct SimulatedSky: Sendable, Hashable {
    public var seed: UInt64
    public var latitude: Double
    public var longitude: Double

    /// What the sky is like at one instant.
    public struct Conditions: Sendable, Hashable {
        public var cloudCoverPct: Double
        public var temperatureC: Double
        public var humidityPct: Double
        public var windSpeedKmh: Double
        /// Global horizontal irradiance under the clouds, W/m².
        public var shortwaveRadiationWm2: Double
        public var sunElevation: Double
    }

    public init(seed: UInt64 = 0x5EED, latitude: Double, longitude: Double) {
        self.seed = seed
        self.latitude = latitude
        self.longitude = longitude
    }

    /// Cloud cover 0…100 % at `time`: the day's level plus a smooth hourly wander.
    public func cloudCoverPct(at time: Date) -> Double {
        let hours = time.timeIntervalSince1970 / 3_600
        let hour = floor(hours)
        let fraction = hours - hour
        let wander = (1 - fraction) * unit(Int64(hour), salt: 2) + fraction * unit(Int64(hour) + 1, salt: 2)
        return min(100, max(0, dayCloudiness(day(of: time)) + 40 * (wander - 0.5)))
    }

    /// The day's mean cloudiness 0…100: today's draw leans on yesterday's, so clear and grey spells
    /// last; away from the tropics winters are greyer than summers.
    public func dayCloudiness(_ day: Int64) -> Double {
        let draw = 0.65 * unit(day, salt: 1) + 0.35 * unit(day - 1, salt: 1)
        let winter = cos(2 * .pi * Double(dayOfYear(Date(timeIntervalSince1970: Double(day) * 86_400 + 43_200)) - 15) / 365.25) * (latitude >= 0 ? 1 : -1)
        let seasonal = 18 * winter * min(1, abs(latitude) / 45)
        // Spread the draw so some days are clear and some overcast, whatever the season.
        return min(100, max(0, (draw - 0.2) / 0.55 * 100 + seasonal))
    }

    /// The share of clear-sky sunshine that gets through: most of it under scattered cloud, a fifth
    /// under full overcast (stronger than the Kasten–Czeplak curve the forecast-based estimate uses,
    /// which keeps 90 % of the sun up to half cover and makes grey days look sunny).
    public static func transmittance(cloudCoverPct: Double) -> Double {
        1 - 0.8 * pow(min(1, max(0, cloudCoverPct / 100)), 1.5)
    }

    /// Haze: the clear-sky model assumes a very clean atmosphere.
    static let clearness = 0.85

    /// Everything a weather station would report at `time`.
    public func conditions(at time: Date) -> Conditions {
        let cloud = cloudCoverPct(at: time)
        let sun = SunPosition.position(at: time, latitude: latitude, longitude: longitude)
        let clear = ExpectedOutput.clearSky(elevation: sun.elevation, dayOfYear: dayOfYear(time)).global
        let radiation = clear * Self.clearness * Self.transmittance(cloudCoverPct: cloud)
        // Seasonal mean: coldest in mid-January north of the equator (mid-July south of it), with a
        // swing that grows with latitude; the day's swing, largest under a clear sky, peaks at 15:00 solar time.
        let season = cos(2 * .pi * Double(dayOfYear(time) - 15) / 365.25) * (latitude >= 0 ? 1 : -1)
        let mean = 26 - abs(latitude) * 0.3 - season * min(10, abs(latitude) * 0.15)
        let solarHour = (time.timeIntervalSince1970 / 3_600 + longitude / 15).truncatingRemainder(dividingBy: 24)
        let daily = (3 + 4 * (1 - cloud / 100)) * cos(2 * .pi * (solarHour - 15) / 24)
        let temperature = mean + daily + 1.5 * (unit(day(of: time), salt: 3) - 0.5)
        let wind = 5 + 20 * cloud / 100 * unit(Int64(time.timeIntervalSince1970 / 3_600), salt: 4)
        return Conditions(
            cloudCoverPct: (cloud * 10).rounded() / 10,
            temperatureC: (temperature * 10).rounded() / 10,
            humidityPct: min(100, max(30, 55 + 0.35 * cloud - 1.2 * daily)).rounded(),
            windSpeedKmh: (wind * 10).rounded() / 10,
            shortwaveRadiationWm2: radiation.rounded(),
            sunElevation: sun.elevation
        )
    }

    /// AC power `arrays` give at `time` under this sky, W.
    public func pvPower(arrays: [PVArray], at time: Date) -> Double {
        let clear = ExpectedOutput.power(arrays: arrays, at: time, latitude: latitude, longitude: longitude, cloudCoverPct: nil)
        return clear * Self.clearness * Self.transmittance(cloudCoverPct: cloudCoverPct(at: time))
    }

    private func day(of time: Date) -> Int64 { Int64(floor(time.timeIntervalSince1970 / 86_400)) }

    private static let utc: Calendar = {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        return utc
    }()

    private func dayOfYear(_ time: Date) -> Int {
        Self.utc.ordinality(of: .day, in: .year, for: time) ?? 172
    }

    private func unit(_ index: Int64, salt: UInt64) -> Double {
        SplitMix64.unit(seed: seed, index: index, salt: salt)
    }
}
