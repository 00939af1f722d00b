import struct Foundation.Date

/// The hourly forecast of one weather source, with the PV output expected from it, for the web page.
public struct WeatherForecast: Sendable, Hashable, Codable {
    public struct Hour: Sendable, Hashable, Codable {
        public var time: Date
        public var temperatureC: Double?
        public var cloudCoverPct: Double?
        public var shortwaveRadiationWm2: Double?
        public var precipitationMm: Double?
        public var windSpeedKmh: Double?
        /// What the configured PV arrays should give at this hour under the forecast cloud cover; nil without `solar:`.
        public var expectedPVPowerW: Double?

        public init(
            time: Date,
            temperatureC: Double? = nil,
            cloudCoverPct: Double? = nil,
            shortwaveRadiationWm2: Double? = nil,
            precipitationMm: Double? = nil,
            windSpeedKmh: Double? = nil,
            expectedPVPowerW: Double? = nil
        ) {
            self.time = time
            self.temperatureC = temperatureC
            self.cloudCoverPct = cloudCoverPct
            self.shortwaveRadiationWm2 = shortwaveRadiationWm2
            self.precipitationMm = precipitationMm
            self.windSpeedKmh = windSpeedKmh
            self.expectedPVPowerW = expectedPVPowerW
        }
    }

    public var device: DeviceID
    public var latitude: Double
    public var longitude: Double
    /// When the forecast was fetched.
    public var fetched: Date
    /// Oldest first.
    public var hours: [Hour]

    public init(device: DeviceID, latitude: Double, longitude: Double, fetched: Date, hours: [Hour]) {
        self.device = device
        self.latitude = latitude
        self.longitude = longitude
        self.fetched = fetched
        self.hours = hours
    }
}
