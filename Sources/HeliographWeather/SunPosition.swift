import struct Foundation.Calendar
import struct Foundation.Date
import struct Foundation.DateComponents
import struct Foundation.TimeZone

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the sun is, seen from one place at one instant.
public struct SolarPosition: Sendable, Hashable {
    /// Degrees above the horizon, corrected for atmospheric refraction; negative below it.
    public var elevation: Double
    /// Compass degrees, clockwise from north (90 east, 180 south, 270 west).
    public var azimuth: Double
    /// Degrees, positive north of the equator.
    public var declination: Double
    /// Apparent minus mean solar time, in minutes.
    public var equationOfTime: Double

    /// 90° − elevation.
    public var zenith: Double { 90 - elevation }
}

/// Sunrise, solar noon and sunset of one local day.
public struct SunEvents: Sendable, Hashable {
    /// Nil when the sun does not rise or set that day (polar day or night).
    public var sunrise: Date?
    public var solarNoon: Date
    public var sunset: Date?
    /// True when the sun stays up all day (midnight sun); false in polar night or a normal day.
    public var allDay: Bool
}

/// The NOAA solar position algorithm (the one behind NOAA's solar calculator spreadsheets, after
/// Meeus, "Astronomical Algorithms"): accurate to about 0.01° in elevation and a minute in sunrise
/// for dates between 1800 and 2100. Pure: no clock, no I/O.
public enum SunPosition {
    /// The sun's position at `time` for a place; longitude positive east.
    public static func position(at time: Date, latitude: Double, longitude: Double) -> SolarPosition {
        let orbit = Orbit(julianCentury: julianCentury(time))
        let secondsOfDay = time.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400)
        let minutesOfDay = (secondsOfDay < 0 ? secondsOfDay + 86_400 : secondsOfDay) / 60
        var trueSolarTime = (minutesOfDay + orbit.equationOfTime + 4 * longitude).truncatingRemainder(dividingBy: 1_440)
        if trueSolarTime < 0 { trueSolarTime += 1_440 }
        let hourAngle = trueSolarTime / 4 < 0 ? trueSolarTime / 4 + 180 : trueSolarTime / 4 - 180

        let phi = radians(latitude), delta = radians(orbit.declination)
        let cosZenith = clamp(sin(phi) * sin(delta) + cos(phi) * cos(delta) * cos(radians(hourAngle)))
        let zenith = degrees(acos(cosZenith))
        let geometricElevation = 90 - zenith

        var azimuth: Double
        let denominator = cos(phi) * sin(radians(zenith))
        if abs(denominator) < 1e-12 {
            azimuth = latitude > 0 ? 180 : 0  // sun at the zenith or observer at a pole
        } else {
            let cosine = clamp((sin(phi) * cosZenith - sin(delta)) / denominator)
            let angle = degrees(acos(cosine))
            azimuth = hourAngle > 0 ? (angle + 180).truncatingRemainder(dividingBy: 360) : (540 - angle).truncatingRemainder(dividingBy: 360)
        }
        return SolarPosition(
            elevation: geometricElevation + refraction(elevation: geometricElevation),
            azimuth: azimuth,
            declination: orbit.declination,
            equationOfTime: orbit.equationOfTime
        )
    }

    /// Sunrise, solar noon and sunset on the local calendar day containing `day` in `timeZone`.
    /// Sunrise and sunset are when the sun's upper limb touches the horizon (zenith 90.833°).
    public static func events(on day: Date, timeZone: TimeZone, latitude: Double, longitude: Double) -> SunEvents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: day)
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        // Solar noon lies near 12:00 − longitude/15 h UTC on the same calendar date.
        let midnight = utc.date(from: DateComponents(year: parts.year, month: parts.month, day: parts.day)) ?? day

        func noon(near estimate: Double) -> Double {
            let orbit = Orbit(julianCentury: julianCentury(midnight.addingTimeInterval(estimate * 60)))
            return 720 - 4 * longitude - orbit.equationOfTime
        }
        let noonMinutes = noon(near: noon(near: 720 - 4 * longitude))

        /// Minutes after UTC midnight of sunrise (sign −1) or sunset (+1); nil in polar day/night.
        func event(_ sign: Double) -> (minutes: Double?, allDay: Bool) {
            var minutes = noonMinutes
            for _ in 0..<3 {
                let orbit = Orbit(julianCentury: julianCentury(midnight.addingTimeInterval(minutes * 60)))
                let phi = radians(latitude), delta = radians(orbit.declination)
                let cosHourAngle = cos(radians(90.833)) / (cos(phi) * cos(delta)) - tan(phi) * tan(delta)
                if cosHourAngle < -1 { return (nil, true) }
                if cosHourAngle > 1 { return (nil, false) }
                let hourAngle = degrees(acos(cosHourAngle))
                let eventNoon = 720 - 4 * longitude - orbit.equationOfTime
                minutes = eventNoon + sign * 4 * hourAngle
            }
            return (minutes, false)
        }
        let rise = event(-1), set = event(1)
        return SunEvents(
            sunrise: rise.minutes.map { midnight.addingTimeInterval($0 * 60) },
            solarNoon: midnight.addingTimeInterval(noonMinutes * 60),
            sunset: set.minutes.map { midnight.addingTimeInterval($0 * 60) },
            allDay: rise.allDay && set.allDay
        )
    }

    static func julianCentury(_ time: Date) -> Double {
        let julianDay = time.timeIntervalSince1970 / 86_400 + 2_440_587.5
        return (julianDay - 2_451_545) / 36_525
    }

    /// Atmospheric refraction in degrees for a geometric elevation (NOAA's piecewise fit).
    static func refraction(elevation: Double) -> Double {
        if elevation > 85 { return 0 }
        let tangent = tan(radians(elevation))
        let arcSeconds: Double
        if elevation > 5 {
            arcSeconds = 58.1 / tangent - 0.07 / pow(tangent, 3) + 0.000086 / pow(tangent, 5)
        } else if elevation > -0.575 {
            arcSeconds = 1_735 + elevation * (-518.2 + elevation * (103.4 + elevation * (-12.79 + elevation * 0.711)))
        } else {
            arcSeconds = -20.772 / tangent
        }
        return arcSeconds / 3_600
    }
}

/// The sun's apparent orbit at one instant: declination and equation of time.
private struct Orbit {
    var declination: Double
    var equationOfTime: Double

    init(julianCentury t: Double) {
        let meanLongitude = (280.46646 + t * (36_000.76983 + t * 0.000_303_2)).truncatingRemainder(dividingBy: 360)
        let meanAnomaly = 357.52911 + t * (35_999.05029 - 0.000_153_7 * t)
        let eccentricity = 0.016_708_634 - t * (0.000_042_037 + 0.000_000_126_7 * t)
        let m = radians(meanAnomaly)
        let center = sin(m) * (1.914_602 - t * (0.004_817 + 0.000_014 * t)) + sin(2 * m) * (0.019_993 - 0.000_101 * t) + sin(3 * m) * 0.000_289
        let trueLongitude = meanLongitude + center
        let omega = radians(125.04 - 1_934.136 * t)
        let apparentLongitude = trueLongitude - 0.005_69 - 0.004_78 * sin(omega)
        let meanObliquity = 23 + (26 + (21.448 - t * (46.815 + t * (0.000_59 - t * 0.001_813))) / 60) / 60
        let obliquity = meanObliquity + 0.002_56 * cos(omega)
        declination = degrees(asin(sin(radians(obliquity)) * sin(radians(apparentLongitude))))
        let y = pow(tan(radians(obliquity / 2)), 2)
        let l0 = radians(meanLongitude)
        equationOfTime = 4 * degrees(
            y * sin(2 * l0) - 2 * eccentricity * sin(m) + 4 * eccentricity * y * sin(m) * cos(2 * l0)
                - 0.5 * y * y * sin(4 * l0) - 1.25 * eccentricity * eccentricity * sin(2 * m)
        )
    }
}

func radians(_ degrees: Double) -> Double { degrees * .pi / 180 }
func degrees(_ radians: Double) -> Double { radians * 180 / .pi }
private func clamp(_ value: Double) -> Double { min(1, max(-1, value)) }
