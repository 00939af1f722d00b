import HeliographCore
import HeliographWeather
import Logging

import struct Foundation.Date

/// A weather station with no network: reports `SimulatedSky`'s conditions for the site as a device
/// of kind `weather`, so the demo's House page, rules and charts have weather like a real source's.
public struct SimulatedWeatherDriver: PolledDriver {
    public let device: DeviceID
    public let sky: SimulatedSky
    /// The simulated clock (faster than real time with `heliograph demo --speed`); samples carry `now`.
    private let simulatedTime: @Sendable () -> Date
    private let now: @Sendable () -> Date

    public init(device: DeviceID, sky: SimulatedSky, simulatedTime: @escaping @Sendable () -> Date, now: @escaping @Sendable () -> Date = { Date() }) {
        self.device = device
        self.sky = sky
        self.simulatedTime = simulatedTime
        self.now = now
    }

    public static let fields = [
        WeatherFields.temperature, WeatherFields.humidity, WeatherFields.windSpeed, WeatherFields.cloudCover,
        WeatherFields.shortwaveRadiation, WeatherFields.isDay,
    ]

    public func describe(logger: Logger) async throws -> DeviceDescriptor {
        DeviceDescriptor(
            kind: "weather", id: device, name: "Weather (simulated)", manufacturer: "Heliograph",
            model: "Simulated sky (\(sky.latitude), \(sky.longitude))", fields: Self.fields
        )
    }

    public func poll(logger: Logger) async throws -> [Sample] {
        [Sample(device: device, time: now(), values: Self.values(sky.conditions(at: simulatedTime())))]
    }

    /// The fields of one moment's conditions, as a real weather source reports them.
    public static func values(_ conditions: SimulatedSky.Conditions) -> [FieldID: FieldValue] {
        [
            WeatherFields.temperature.id: .number(conditions.temperatureC),
            WeatherFields.humidity.id: .number(conditions.humidityPct),
            WeatherFields.windSpeed.id: .number(conditions.windSpeedKmh),
            WeatherFields.cloudCover.id: .number(conditions.cloudCoverPct),
            WeatherFields.shortwaveRadiation.id: .number(conditions.shortwaveRadiationWm2),
            WeatherFields.isDay.id: .flag(conditions.sunElevation > 0),
        ]
    }
}
