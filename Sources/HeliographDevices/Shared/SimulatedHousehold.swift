import HeliographCore

import struct Foundation.Calendar
import struct Foundation.Date
import struct Foundation.TimeZone

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A house's electricity use through the day, for simulated inverters and the demo's history: a
/// base load with the fridge cycling, a morning peak (kettle, shower pump, breakfast), a lunchtime
/// bump at weekends and a larger evening peak (cooking, washing, lights), plus a few short spikes.
/// The same for the same seed and instant; no state.
public struct SimulatedHousehold: Sendable, Hashable {
    public var seed: UInt64
    /// Scales every part, e.g. 1.5 for a bigger house.
    public var scale: Double
    /// The house's clock: its routine follows local time.
    private let calendar: Calendar

    public init(seed: UInt64 = 0x5EED, timeZone: TimeZone = TimeZone(identifier: "UTC")!, scale: Double = 1) {
        self.seed = seed
        self.scale = scale
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    /// Power drawn at `time`, W.
    public func loadPower(at time: Date) -> Double {
        let midnight = calendar.startOfDay(for: time)
        let hour = time.timeIntervalSince(midnight) / 3_600
        let weekend = calendar.isDateInWeekend(time)
        let day = Int64(floor(midnight.timeIntervalSince1970 / 86_400))
        // Each day's routine shifts a little: up earlier or later, dinner sooner or later.
        let morningAt = (weekend ? 8.5 : 7.2) + 0.6 * (unit(day, salt: 11) - 0.5)
        let eveningAt = 18.6 + 0.8 * (unit(day, salt: 12) - 0.5)
        let minute = Int64(floor(time.timeIntervalSince1970 / 60))
        let fridge = (minute / 20) % 3 == 0 ? 90.0 : 0
        var watts = 150 + fridge
        watts += 750 * bump(hour, at: morningAt, width: 0.7)
        watts += (weekend ? 700 : 250) * bump(hour, at: 12.8, width: 1.2)
        watts += 1_150 * bump(hour, at: eveningAt, width: 1.3)
        watts += 350 * bump(hour, at: 21.5, width: 1.5)  // lights and television
        // A kettle or oven element now and then, a few minutes long.
        if unit(minute / 4, salt: 13) > 0.97 { watts += 1_800 }
        watts *= 0.9 + 0.2 * unit(minute, salt: 14)
        return (watts * scale).rounded()
    }

    /// A smooth peak of height 1 at `center` hours, about `width` hours either side; wraps at midnight.
    private func bump(_ hour: Double, at center: Double, width: Double) -> Double {
        var distance = abs(hour - center)
        distance = min(distance, 24 - distance)
        return exp(-(distance * distance) / (2 * width * width))
    }

    private func unit(_ index: Int64, salt: UInt64) -> Double {
        SplitMix64.unit(seed: seed, index: index, salt: salt)
    }
}
