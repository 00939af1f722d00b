import HeliographConfigFile
import HeliographDevices
import HeliographWeather

extension HeliographConfiguration {
    /// Reads `solar:` and checks that weather sources and the estimate know where the site is.
    static func checkLocation(_ configuration: inout HeliographConfiguration, file: ConfigurationSection) {
        let site = configuration.site
        for device in configuration.devices {
            guard let options = device.options(as: OpenMeteoOptions.self) else { continue }
            if (options.latitude ?? site.latitude) == nil || (options.longitude ?? site.longitude) == nil {
                file.problem("devices.\(device.id)", "an open-meteo source needs latitude and longitude (its own, or site.latitude and site.longitude)")
            }
        }
        let section = file.section("solar")
        guard var solar = SolarConfiguration.parse(section) else { return }
        if site.latitude == nil || site.longitude == nil {
            section.problem(nil, "the expected-output estimate needs site.latitude and site.longitude")
        }
        let weatherSources = configuration.devices.filter { $0.options is OpenMeteoOptions }.map(\.id)
        if let weather = solar.weather {
            if !weatherSources.contains(weather) {
                section.problem("weather", "no open-meteo device '\(weather)'; known: \(weatherSources.map(\.rawValue).joined(separator: ", "))")
            }
        } else if weatherSources.count == 1 {
            solar.weather = weatherSources[0]
        }
        if configuration.devices.contains(where: { $0.id == solar.device }) {
            section.problem("device", "'\(solar.device)' is already a device id; choose another id for the estimate")
        }
        configuration.solar = solar
    }
}
