import HeliographConfigFile
import HeliographCore
import HeliographPipeline
import HeliographWeather

/// Options of an Open-Meteo weather source (`type: open-meteo`).
///
/// ```yaml
/// devices:
///   weather:
///     type: open-meteo
///     latitude: 51.48        # default: site.latitude
///     longitude: -0.01       # default: site.longitude
///     base_url: https://api.open-meteo.com   # a self-hosted Open-Meteo works too
///     forecast_hours: 48     # hourly forecast asked for; default 48
///     interval: 10m          # default 10m for this type
/// ```
public struct OpenMeteoOptions: DeviceFamilyOptions {
    /// Nil takes the site's.
    public var latitude: Double?
    public var longitude: Double?
    public var baseURL: String
    public var forecastHours: Int

    public init(latitude: Double? = nil, longitude: Double? = nil, baseURL: String = "https://api.open-meteo.com", forecastHours: Int = 48) {
        self.latitude = latitude
        self.longitude = longitude
        self.baseURL = baseURL
        self.forecastHours = forecastHours
    }

    static func parse(_ section: ConfigurationSection) -> OpenMeteoOptions? {
        var options = OpenMeteoOptions()
        options.latitude = section.double("latitude", in: -90...90)
        options.longitude = section.double("longitude", in: -180...180)
        if let url = section.string("base_url") {
            if url.hasPrefix("http://") || url.hasPrefix("https://") {
                options.baseURL = url
            } else {
                section.problem("base_url", "must start with http:// or https://; got '\(url)'")
            }
        }
        options.forecastHours = section.int("forecast_hours", in: 1...384) ?? options.forecastHours
        return options
    }
}

extension DeviceFamily {
    /// Open-Meteo current conditions and hourly forecast, polled over HTTP.
    public static let openMeteo = DeviceFamily(
        name: "open-meteo",
        keys: ["latitude", "longitude", "base_url", "forecast_hours"],
        defaultRetry: WeatherDriver.defaultRetry,
        defaultInterval: .seconds(600),
        parse: OpenMeteoOptions.parse,
        makeDevice: { options, device, context in
            guard let latitude = options.latitude ?? context.siteLatitude, let longitude = options.longitude ?? context.siteLongitude else {
                throw HeliographError(.invalidConfiguration, "an open-meteo source needs latitude and longitude", device: device.id)
            }
            let request = OpenMeteoRequest(baseURL: options.baseURL, latitude: latitude, longitude: longitude, forecastHours: options.forecastHours)
            let retry = device.retryPolicy(default: WeatherDriver.defaultRetry)
            let driver = WeatherDriver(device: device.id, client: OpenMeteoClient(request: request, timeout: retry.attemptTimeout), retry: retry)
            return PolledDevice(driver: driver, interval: device.interval, timeout: device.timeout)
        }
    )
}
