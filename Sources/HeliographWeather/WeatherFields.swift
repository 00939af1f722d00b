import HeliographCore

import struct Foundation.Date

/// The fields a weather device reports: current conditions, then summaries of the coming hours
/// (so rules can say "only if the next 3 hours stay sunny" with an ordinary field condition).
public enum WeatherFields {
    public static let temperature = FieldDescriptor.measurement("temperature_c", "Temperature", .celsius, range: -90...70)
    public static let humidity = FieldDescriptor.measurement("humidity_pct", "Relative humidity", .percent, precision: 0, range: 0...100)
    public static let pressure = FieldDescriptor.measurement("pressure_hpa", "Pressure (sea level)", .hectopascal, range: 800...1_100)
    public static let windSpeed = FieldDescriptor.measurement("wind_speed_kmh", "Wind speed", .kilometrePerHour, range: 0...500)
    public static let windDirection = FieldDescriptor.measurement("wind_direction_deg", "Wind direction", .degree, precision: 0, range: 0...360)
    public static let windGusts = FieldDescriptor.measurement("wind_gusts_kmh", "Wind gusts", .kilometrePerHour, range: 0...500)
    public static let rain = FieldDescriptor.measurement("rain_mm", "Rain (last 15 min)", .millimetre, range: 0...500)
    public static let precipitation = FieldDescriptor.measurement("precipitation_mm", "Precipitation (last 15 min)", .millimetre, range: 0...500)
    public static let cloudCover = FieldDescriptor.measurement("cloud_cover_pct", "Cloud cover", .percent, precision: 0, range: 0...100)
    public static let shortwaveRadiation = FieldDescriptor.measurement("shortwave_radiation_w_m2", "Global radiation", .wattPerSquareMetre, precision: 0, range: 0...1_500)
    public static let directRadiation = FieldDescriptor.measurement("direct_radiation_w_m2", "Direct radiation", .wattPerSquareMetre, precision: 0, range: 0...1_500)
    public static let diffuseRadiation = FieldDescriptor.measurement("diffuse_radiation_w_m2", "Diffuse radiation", .wattPerSquareMetre, precision: 0, range: 0...1_500)
    public static let isDay = FieldDescriptor.flag("is_day", "Daylight")

    public static let forecastCloudCover3h = FieldDescriptor.measurement("forecast_cloud_cover_3h_pct", "Cloud cover, next 3 h (mean)", .percent, precision: 0, range: 0...100)
    public static let forecastCloudCover24h = FieldDescriptor.measurement("forecast_cloud_cover_24h_pct", "Cloud cover, next 24 h (mean)", .percent, precision: 0, range: 0...100)
    public static let forecastRadiation3h = FieldDescriptor.measurement(
        "forecast_shortwave_radiation_3h_w_m2", "Global radiation, next 3 h (mean)", .wattPerSquareMetre, precision: 0, range: 0...1_500
    )
    public static let forecastRadiation24h = FieldDescriptor.measurement(
        "forecast_shortwave_radiation_24h_w_m2", "Global radiation, next 24 h (mean)", .wattPerSquareMetre, precision: 0, range: 0...1_500
    )
    public static let forecastPrecipitation24h = FieldDescriptor.measurement("forecast_precipitation_24h_mm", "Precipitation, next 24 h", .millimetre, range: 0...2_000)
    public static let forecastTemperatureMin24h = FieldDescriptor.measurement("forecast_temperature_min_24h_c", "Lowest temperature, next 24 h", .celsius, range: -90...70)
    public static let forecastTemperatureMax24h = FieldDescriptor.measurement("forecast_temperature_max_24h_c", "Highest temperature, next 24 h", .celsius, range: -90...70)

    public static let all: [FieldDescriptor] = [
        temperature, humidity, pressure, windSpeed, windDirection, windGusts, rain, precipitation, cloudCover,
        shortwaveRadiation, directRadiation, diffuseRadiation, isDay,
        forecastCloudCover3h, forecastCloudCover24h, forecastRadiation3h, forecastRadiation24h, forecastPrecipitation24h,
        forecastTemperatureMin24h, forecastTemperatureMax24h,
    ]
}

extension WeatherReport {
    /// The report as field values: current conditions plus the forecast summaries, as of `now`.
    /// Missing values are left out rather than guessed.
    public func fieldValues(now: Date) -> [FieldID: FieldValue] {
        var values: [FieldID: FieldValue] = [:]
        func put(_ field: FieldDescriptor, _ value: Double?) {
            if let value, value.isFinite { values[field.id] = .number(value) }
        }
        put(WeatherFields.temperature, current.temperatureC)
        put(WeatherFields.humidity, current.relativeHumidityPct)
        put(WeatherFields.pressure, current.pressureHPa)
        put(WeatherFields.windSpeed, current.windSpeedKmh)
        put(WeatherFields.windDirection, current.windDirectionDeg)
        put(WeatherFields.windGusts, current.windGustsKmh)
        put(WeatherFields.rain, current.rainMm)
        put(WeatherFields.precipitation, current.precipitationMm)
        put(WeatherFields.cloudCover, current.cloudCoverPct)
        put(WeatherFields.shortwaveRadiation, current.shortwaveRadiationWm2)
        put(WeatherFields.directRadiation, current.directRadiationWm2)
        put(WeatherFields.diffuseRadiation, current.diffuseRadiationWm2)
        if let isDay = current.isDay { values[WeatherFields.isDay.id] = .flag(isDay) }

        let next3 = forecast(from: now, hours: 3)
        let next24 = forecast(from: now, hours: 24)
        put(WeatherFields.forecastCloudCover3h, mean(next3.compactMap(\.cloudCoverPct)))
        put(WeatherFields.forecastCloudCover24h, mean(next24.compactMap(\.cloudCoverPct)))
        put(WeatherFields.forecastRadiation3h, mean(next3.compactMap(\.shortwaveRadiationWm2)))
        put(WeatherFields.forecastRadiation24h, mean(next24.compactMap(\.shortwaveRadiationWm2)))
        let precipitation = next24.compactMap(\.precipitationMm)
        put(WeatherFields.forecastPrecipitation24h, precipitation.isEmpty ? nil : precipitation.reduce(0, +))
        put(WeatherFields.forecastTemperatureMin24h, next24.compactMap(\.temperatureC).min())
        put(WeatherFields.forecastTemperatureMax24h, next24.compactMap(\.temperatureC).max())
        return values
    }
}

private func mean(_ values: [Double]) -> Double? {
    values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
}

extension WeatherFields {
    /// Decimal places of a weather field; 1 for fields it does not know.
    public static func precision(of field: FieldID) -> Int {
        all.first { $0.id == field }?.precision ?? 1
    }
}
