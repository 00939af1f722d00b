import struct Foundation.Date
import struct Foundation.TimeInterval

/// What Open-Meteo said at one moment: current conditions and the hourly forecast.
///
/// Any value may be missing (`nil`): Open-Meteo sends `null` where a model has no data, and a
/// self-hosted instance may not offer every variable.
public struct WeatherReport: Sendable, Hashable {
    /// Conditions at one instant (the current block, or one hour of the forecast).
    public struct Conditions: Sendable, Hashable {
        public var time: Date
        public var temperatureC: Double?
        public var relativeHumidityPct: Double?
        /// Pressure reduced to mean sea level.
        public var pressureHPa: Double?
        public var windSpeedKmh: Double?
        public var windDirectionDeg: Double?
        public var windGustsKmh: Double?
        /// Rain of the preceding interval (15 min for current, 1 h for hourly).
        public var rainMm: Double?
        public var precipitationMm: Double?
        public var cloudCoverPct: Double?
        /// Global horizontal irradiance.
        public var shortwaveRadiationWm2: Double?
        public var directRadiationWm2: Double?
        public var diffuseRadiationWm2: Double?
        public var isDay: Bool?

        public init(time: Date) { self.time = time }
    }

    public var latitude: Double
    public var longitude: Double
    /// Height of the grid cell Open-Meteo used, in metres.
    public var elevationM: Double?
    public var current: Conditions
    /// Oldest first.
    public var hourly: [Conditions]

    public init(latitude: Double, longitude: Double, elevationM: Double? = nil, current: Conditions, hourly: [Conditions]) {
        self.latitude = latitude
        self.longitude = longitude
        self.elevationM = elevationM
        self.current = current
        self.hourly = hourly
    }

    /// The forecast hours that start in `[from, from + hours)`.
    public func forecast(from: Date, hours: Int) -> [Conditions] {
        let end = from.addingTimeInterval(TimeInterval(hours) * 3_600)
        // Hourly values describe the hour ending at their time stamp for sums, the instant for states;
        // taking stamps after `from` keeps the hour in progress out of "next hours".
        return hourly.filter { $0.time > from && $0.time <= end }
    }

    /// The cloud cover at `time`, interpolated between forecast hours; the current value when `time`
    /// is outside the forecast.
    public func cloudCover(at time: Date) -> Double? {
        guard let after = hourly.firstIndex(where: { $0.time >= time }), after > 0 else { return current.cloudCoverPct }
        let a = hourly[after - 1], b = hourly[after]
        guard let ca = a.cloudCoverPct, let cb = b.cloudCoverPct else { return current.cloudCoverPct }
        let span = b.time.timeIntervalSince(a.time)
        guard span > 0 else { return cb }
        return ca + (cb - ca) * time.timeIntervalSince(a.time) / span
    }
}
