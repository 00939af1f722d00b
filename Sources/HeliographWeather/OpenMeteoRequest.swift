/// Where and what to ask Open-Meteo: the site, the variables and how many forecast hours.
public struct OpenMeteoRequest: Sendable, Hashable {
    /// `https://api.open-meteo.com` by default; a self-hosted instance or a test server otherwise.
    public var baseURL: String
    public var latitude: Double
    public var longitude: Double
    /// Hours of hourly forecast asked for, from the start of today (UTC). Default 48.
    public var forecastHours: Int

    public static let defaultBaseURL = "https://api.open-meteo.com"

    public static let currentVariables = [
        "temperature_2m", "relative_humidity_2m", "pressure_msl", "wind_speed_10m", "wind_direction_10m", "wind_gusts_10m",
        "rain", "precipitation", "cloud_cover", "shortwave_radiation", "direct_radiation", "diffuse_radiation", "is_day",
    ]
    public static let hourlyVariables = [
        "temperature_2m", "relative_humidity_2m", "pressure_msl", "wind_speed_10m", "precipitation", "rain", "cloud_cover",
        "shortwave_radiation", "direct_radiation", "diffuse_radiation",
    ]

    public init(baseURL: String = defaultBaseURL, latitude: Double, longitude: Double, forecastHours: Int = 48) {
        self.baseURL = baseURL
        self.latitude = latitude
        self.longitude = longitude
        self.forecastHours = forecastHours
    }

    /// The full URL: `<base>/v1/forecast?latitude=..&longitude=..&current=..&hourly=..`, Unix times, UTC, km/h, mm.
    public var url: String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        let query = [
            ("latitude", String(latitude)),
            ("longitude", String(longitude)),
            ("current", Self.currentVariables.joined(separator: ",")),
            ("hourly", Self.hourlyVariables.joined(separator: ",")),
            ("forecast_hours", String(forecastHours)),
            ("timeformat", "unixtime"),
            ("timezone", "GMT"),
            ("wind_speed_unit", "kmh"),
            ("precipitation_unit", "mm"),
            ("temperature_unit", "celsius"),
        ]
        return base + "/v1/forecast?" + query.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }
}
