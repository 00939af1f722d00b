import Foundation
import HeliographCore
import HeliographPipeline
import HeliographWeather

/// Builds the expected-output estimate, the one polled device that is not a configured device family.
enum SolarEstimateFactory {
    /// The expected-output estimate as a polled device, fed by the live feed and the weather source's cloud cover.
    static func makeSolarEstimate(
        _ solar: SolarConfiguration,
        site: HeliographConfiguration.Site,
        devices: [PolledDevice],
        feed: any LiveFeed
    ) throws -> PolledDevice {
        guard let latitude = site.latitude, let longitude = site.longitude else {
            throw HeliographError(.invalidConfiguration, "solar: the expected-output estimate needs site.latitude and site.longitude")
        }
        let weather = solar.weather.flatMap { id in devices.first { $0.device == id }?.driver as? WeatherDriver }
        let driver = SolarEstimateDriver(
            device: solar.device,
            configuration: .init(
                latitude: latitude,
                longitude: longitude,
                arrays: solar.arrays,
                producers: solar.producers,
                timeZone: TimeZone(identifier: site.timeZone) ?? .current
            ),
            feed: feed,
            cloudCover: { time in weather?.report?.cloudCover(at: time) }
        )
        return PolledDevice(driver: driver, interval: solar.interval, timeout: .seconds(5), service: driver)
    }
}
