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
    private let latestReport = Mutex<WeatherReport?>(nil)
    private let now: @Sendable () -> Date

    public init(device: DeviceID, client: OpenMeteoClient, now: @escaping @Sendable () -> Date = { Date() }) {
        self.device = device
        self.client = client
        self.now = now
    }

    /// The report of the last successful poll.
    public var report: WeatherReport? { latestReport.withLock { $0 } }

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
            report = try await client.fetch(logger: logger)
        } catch let error as HeliographError {
            throw error.on(device)
        }
        latestReport.withLock { $0 = report }
        let time = now()
        return [Sample(device: device, time: time, values: report.fieldValues(now: time))]
    }
}
