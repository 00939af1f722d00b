import HeliographCore
import Logging
import Synchronization

import struct Foundation.Date

/// Open-Meteo as a polled device (`type: open-meteo`): each poll fetches current conditions and the
/// hourly forecast and reports them as one sample, so weather is stored, charted and published like
/// any inverter reading. The newest full report (with every forecast hour) stays readable for the
/// expected-output estimate and the API.
public final class WeatherDriver: PolledDriver, Sendable {
    public let device: DeviceID
    public let client: OpenMeteoClient
    /// Retries of a fetch on timeouts and connection trouble; `attemptTimeout` is the client's timeout.
    public let retry: RetryPolicy
    private let latestReport = Mutex<(report: WeatherReport, fetched: Date)?>(nil)
    private let now: @Sendable () -> Date

    /// Two attempts of 10 s, 1 s apart (±20 %): a dropped HTTP request is asked again in the same poll.
    public static let defaultRetry = RetryPolicy(attempts: 2, attemptTimeout: .seconds(10), initialDelay: .seconds(1), maximumDelay: .seconds(5))

    /// - Parameter retry: fetches per poll and the waits between them; its `attemptTimeout` is the
    ///   client's timeout (the configuration builds both from one policy). Nil: one fetch.
    public init(device: DeviceID, client: OpenMeteoClient, retry: RetryPolicy? = nil, now: @escaping @Sendable () -> Date = { Date() }) {
        self.device = device
        self.client = client
        self.retry = retry ?? RetryPolicy(attemptTimeout: client.timeout)
        self.now = now
    }

    /// The report of the last successful poll.
    public var report: WeatherReport? { latestReport.withLock { $0?.report } }

    /// The hourly forecast of the last successful poll, with the output `arrays` should give each hour.
    public func forecast(arrays: [PVArray]) -> WeatherForecast? {
        guard let (report, fetched) = latestReport.withLock({ $0 }) else { return nil }
        return WeatherForecast(
            device: device,
            latitude: report.latitude,
            longitude: report.longitude,
            fetched: fetched,
            hours: report.hourly.map { hour in
                WeatherForecast.Hour(
                    time: hour.time,
                    temperatureC: hour.temperatureC,
                    cloudCoverPct: hour.cloudCoverPct,
                    shortwaveRadiationWm2: hour.shortwaveRadiationWm2,
                    precipitationMm: hour.precipitationMm,
                    windSpeedKmh: hour.windSpeedKmh,
                    expectedPVPowerW: arrays.isEmpty
                        ? nil
                        : ExpectedOutput.power(
                            arrays: arrays,
                            at: hour.time,
                            latitude: client.request.latitude,
                            longitude: client.request.longitude,
                            cloudCoverPct: hour.cloudCoverPct
                        ).rounded()
                )
            }
        )
    }

    public func describe(logger: Logger) async throws -> DeviceDescriptor {
        let request = client.request
        return DeviceDescriptor(
            kind: "weather",
            id: device,
            name: "Weather",
            manufacturer: "Open-Meteo",
            model: "Forecast API (\(request.latitude), \(request.longitude))",
            fields: WeatherFields.all
        )
    }

    public func poll(logger: Logger) async throws -> [Sample] {
        let report: WeatherReport
        do {
            report = try await retry.run { try await client.fetch(logger: logger) }
        } catch let error as HeliographError {
            throw error.on(device)
        }
        let time = now()
        latestReport.withLock { $0 = (report, time) }
        return [Sample(device: device, time: time, values: report.fieldValues(now: time))]
    }
}
