import struct Foundation.Calendar
import struct Foundation.Date
import struct Foundation.TimeZone

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A PV array as installed: size and orientation.
public struct PVArray: Sendable, Hashable {
    /// Nameplate DC power at standard test conditions (1000 W/m²), kWp.
    public var peakPowerKW: Double
    /// Panel tilt from horizontal, degrees (0 flat, 90 vertical).
    public var tilt: Double
    /// Compass direction the panels face, degrees (180 south, 90 east, 270 west).
    public var azimuth: Double
    /// Wiring, inverter, soiling and temperature losses, percent. Default 14 (PVGIS's default).
    public var lossesPct: Double

    public init(peakPowerKW: Double, tilt: Double = 30, azimuth: Double = 180, lossesPct: Double = 14) {
        self.peakPowerKW = peakPowerKW
        self.tilt = tilt
        self.azimuth = azimuth
        self.lossesPct = lossesPct
    }
}

/// Irradiance on a horizontal and a normal surface, W/m².
public struct Irradiance: Sendable, Hashable {
    /// Global horizontal.
    public var global: Double
    /// Direct normal.
    public var directNormal: Double
    /// Diffuse horizontal.
    public var diffuse: Double
}

/// Clear-sky irradiance and the output a PV array should give, from the sun position and cloud cover.
///
/// Models (all public, simple and robust): Haurwitz for clear-sky global horizontal irradiance,
/// Meinel with the Kasten–Young air mass for direct normal, diffuse as the remainder; transposition
/// onto the panel plane with an isotropic sky and 0.2 ground albedo; cloud cover reduces irradiance
/// by Kasten–Czeplak's `1 − 0.75·(cloud fraction)^3.4`.
public enum ExpectedOutput {
    public static let groundAlbedo = 0.2
    /// Made once: the demo's history asks for thousands of instants.
    private static let utc: Calendar = {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        return utc
    }()

    /// Clear-sky irradiance for a sun at `elevation` degrees on day `dayOfYear` (1…366).
    public static func clearSky(elevation: Double, dayOfYear: Int) -> Irradiance {
        guard elevation > 0 else { return Irradiance(global: 0, directNormal: 0, diffuse: 0) }
        let zenith = 90 - elevation
        let cosZenith = cos(radians(zenith))
        let extraterrestrial = 1_361 * (1 + 0.033 * cos(2 * .pi * Double(dayOfYear) / 365))
        let airMass = 1 / (cosZenith + 0.505_72 * pow(96.079_95 - zenith, -1.636_4))
        let directNormal = extraterrestrial * pow(0.7, pow(airMass, 0.678))
        let global = 1_098 * cosZenith * exp(-0.057 / cosZenith)
        let diffuse = max(0, global - directNormal * cosZenith)
        return Irradiance(global: global, directNormal: directNormal, diffuse: diffuse)
    }

    /// Fraction of clear-sky irradiance that passes `cloudCoverPct` percent of cloud (Kasten–Czeplak).
    public static func cloudFactor(cloudCoverPct: Double) -> Double {
        let fraction = min(1, max(0, cloudCoverPct / 100))
        return 1 - 0.75 * pow(fraction, 3.4)
    }

    /// Irradiance on the panel plane, W/m².
    public static func planeOfArray(_ irradiance: Irradiance, sun: SolarPosition, array: PVArray) -> Double {
        guard sun.elevation > 0 else { return 0 }
        let tilt = radians(array.tilt)
        let zenith = radians(sun.zenith)
        let cosIncidence = cos(zenith) * cos(tilt) + sin(zenith) * sin(tilt) * cos(radians(sun.azimuth - array.azimuth))
        let beam = irradiance.directNormal * max(0, cosIncidence)
        let sky = irradiance.diffuse * (1 + cos(tilt)) / 2
        let ground = irradiance.global * groundAlbedo * (1 - cos(tilt)) / 2
        return beam + sky + ground
    }

    /// Expected AC power in watts of `arrays` at `time`; `cloudCoverPct` nil means a clear sky.
    public static func power(
        arrays: [PVArray],
        at time: Date,
        latitude: Double,
        longitude: Double,
        cloudCoverPct: Double?
    ) -> Double {
        let sun = SunPosition.position(at: time, latitude: latitude, longitude: longitude)
        let day = utc.ordinality(of: .day, in: .year, for: time) ?? 172
        let clear = clearSky(elevation: sun.elevation, dayOfYear: day)
        let factor = cloudCoverPct.map { cloudFactor(cloudCoverPct: $0) } ?? 1
        return arrays.reduce(0) { total, array in
            let planeIrradiance = planeOfArray(clear, sun: sun, array: array) * factor
            return total + array.peakPowerKW * planeIrradiance * (1 - array.lossesPct / 100)
        }
    }
}
