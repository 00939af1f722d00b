import Foundation
import HeliographCore
import HeliographTesting
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

@testable import HeliographWeather

/// The query strings a replay server received.
private final class QueryLog: Sendable {
    private let queries = Mutex<[String]>([])
    func append(_ query: String) { queries.withLock { $0.append(query) } }
    var first: String? { queries.withLock { $0.first } }
}

/// A local HTTP server that replays recorded Open-Meteo answers (and misbehaves on request).
@discardableResult
private func withReplayServer<Value: Sendable>(
    _ body: @Sendable (_ baseURL: String, _ queries: QueryLog) async throws -> Value
) async throws -> Value {
    let queries = QueryLog()
    let router = Router()
    router.get("/v1/forecast") { request, _ -> Response in
        queries.append(request.uri.query ?? "")
        return try replay("london-unixtime")
    }
    router.get("/selfhosted/v1/forecast") { _, _ in try replay("berlin-iso8601") }
    router.get("/refusing/v1/forecast") { _, _ in try replay("error-latitude", status: .badRequest) }
    router.get("/broken/v1/forecast") { _, _ in
        Response(status: .internalServerError, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "upstream exploded")))
    }
    router.get("/garbled/v1/forecast") { _, _ in try replay("malformed-truncated") }
    router.get("/slow/v1/forecast") { _, _ -> Response in
        try await Task.sleep(for: .seconds(5))
        return try replay("london-unixtime")
    }
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    return try await app.test(.live) { client in
        let port = try #require(client.port)
        return try await body("http://127.0.0.1:\(port)", queries)
    }
}

private func replay(_ fixture: String, status: HTTPResponse.Status = .ok) throws -> Response {
    Response(
        status: status,
        headers: [.contentType: "application/json; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(bytes: try Fixture.bytes(fixture)))
    )
}

private let logger = Logger(label: "test.weather")

@Suite("Open-Meteo client against a local replay server")
struct OpenMeteoClientTests {
    @Test("Fetches and decodes; the query names the place and the variables")
    func fetches() async throws {
        try await withReplayServer { base, queries in
            let client = OpenMeteoClient(request: OpenMeteoRequest(baseURL: base, latitude: 51.5, longitude: -0.12))
            let report = try await client.fetch(logger: logger)
            #expect(report.current.temperatureC == 19.4)
            #expect(report.hourly.count == 48)
            let query = try #require(queries.first)
            #expect(query.contains("latitude=51.5"))
            #expect(query.contains("longitude=-0.12"))
            #expect(query.contains("shortwave_radiation"))
        }
    }

    @Test("A base URL with a path prefix (self-hosted Open-Meteo)")
    func selfHosted() async throws {
        try await withReplayServer { base, _ in
            let client = OpenMeteoClient(request: OpenMeteoRequest(baseURL: base + "/selfhosted/", latitude: 52.52, longitude: 13.42))
            let report = try await client.fetch(logger: logger)
            #expect(report.current.time == june21(hour: 10))
        }
    }

    @Test("HTTP 400 keeps Open-Meteo's reason; HTTP 500 keeps the body's start")
    func httpErrors() async throws {
        try await withReplayServer { base, _ in
            let refusing = OpenMeteoClient(request: OpenMeteoRequest(baseURL: base + "/refusing", latitude: 91, longitude: 0))
            let refused = try await #require(throws: HeliographError.self) { try await refusing.fetch(logger: logger) }
            #expect(refused.code == .unexpectedResponse)
            #expect(refused.message.contains("HTTP 400"))
            #expect(refused.message.contains("Latitude must be in range"))

            let broken = OpenMeteoClient(request: OpenMeteoRequest(baseURL: base + "/broken", latitude: 1, longitude: 1))
            let failed = try await #require(throws: HeliographError.self) { try await broken.fetch(logger: logger) }
            #expect(failed.code == .unexpectedResponse)
            #expect(failed.message.contains("HTTP 500: upstream exploded"))
        }
    }

    @Test("Malformed JSON with status 200 is a malformedFrame error")
    func malformed() async throws {
        try await withReplayServer { base, _ in
            let client = OpenMeteoClient(request: OpenMeteoRequest(baseURL: base + "/garbled", latitude: 1, longitude: 1))
            let error = try await #require(throws: HeliographError.self) { try await client.fetch(logger: logger) }
            #expect(error.code == .malformedFrame)
        }
    }

    @Test("A server that does not answer in time gives a timeout error")
    func timeout() async throws {
        try await withReplayServer { base, _ in
            let client = OpenMeteoClient(request: OpenMeteoRequest(baseURL: base + "/slow", latitude: 1, longitude: 1), timeout: .milliseconds(300))
            let started = ContinuousClock.now
            let error = try await #require(throws: HeliographError.self) { try await client.fetch(logger: logger) }
            #expect(error.code == .timeout)
            #expect(ContinuousClock.now - started < .seconds(4))
        }
    }

    @Test("Nobody listening gives connectionFailed")
    func refused() async throws {
        // Bind and close a listener to learn a port that is free now.
        let port = try await withReplayServer { base, _ in Int(base.split(separator: ":").last!)! }
        let client = OpenMeteoClient(request: OpenMeteoRequest(baseURL: "http://127.0.0.1:\(port)", latitude: 1, longitude: 1), timeout: .seconds(3))
        let error = try await #require(throws: HeliographError.self) { try await client.fetch(logger: logger) }
        #expect(error.code == .connectionFailed)
    }

    @Test("The weather driver reports one sample of the weather fields and keeps the full report")
    func driver() async throws {
        try await withReplayServer { base, _ in
            let now = june21(hour: 11.75)
            let driver = WeatherDriver(
                device: "weather",
                client: OpenMeteoClient(request: OpenMeteoRequest(baseURL: base, latitude: 51.5, longitude: -0.12)),
                now: { now }
            )
            let descriptor = try await driver.describe(logger: logger)
            #expect(descriptor.kind == "weather")
            #expect(descriptor.fields.map(\.id).contains("shortwave_radiation_w_m2"))
            let samples = try await driver.poll(logger: logger)
            let sample = try #require(samples.first)
            #expect(samples.count == 1)
            #expect(sample.device == "weather")
            #expect(sample.time == now)
            #expect(sample["pressure_hpa"] == .number(1015.3))
            #expect(sample["direct_radiation_w_m2"] == .number(455))
            #expect(driver.report?.hourly.count == 48)
            // The hourly forecast with the output a 4 kWp south array should give each hour.
            let forecast = try #require(driver.forecast(arrays: [PVArray(peakPowerKW: 4, tilt: 35, azimuth: 180)]))
            #expect(forecast.fetched == now && forecast.hours.count == 48)
            #expect(forecast.hours[12].cloudCoverPct == 40)
            #expect(forecast.hours[0].expectedPVPowerW == 0)  // midnight
            let noon = try #require(forecast.hours[12].expectedPVPowerW)
            let clear = ExpectedOutput.power(arrays: [PVArray(peakPowerKW: 4, tilt: 35, azimuth: 180)], at: june21(hour: 12), latitude: 51.5, longitude: -0.12, cloudCoverPct: 40)
            #expect(noon == clear.rounded() && noon > 1_000)
            #expect(driver.forecast(arrays: [])?.hours.allSatisfy { $0.expectedPVPowerW == nil } == true)

            let failing = WeatherDriver(device: "weather", client: OpenMeteoClient(request: OpenMeteoRequest(baseURL: base + "/broken", latitude: 1, longitude: 1)))
            let error = try await #require(throws: HeliographError.self) { try await failing.poll(logger: logger) }
            #expect(error.device == "weather")
        }
    }
}
