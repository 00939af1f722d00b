import Foundation
import HeliographCore
import Testing

@testable import HeliographWeather

@Suite("Open-Meteo decoder")
struct OpenMeteoDecoderTests {
    @Test("Unix-time answer: current conditions and 48 forecast hours")
    func unixTime() throws {
        let report = try OpenMeteoDecoder.decode(try Fixture.bytes("london-unixtime"))
        #expect(report.latitude == 51.5)
        #expect(report.elevationM == 23)
        #expect(report.current.time == june21(hour: 11.75))
        #expect(report.current.temperatureC == 19.4)
        #expect(report.current.relativeHumidityPct == 58)
        #expect(report.current.pressureHPa == 1015.3)
        #expect(report.current.windSpeedKmh == 11.2)
        #expect(report.current.windDirectionDeg == 247)
        #expect(report.current.windGustsKmh == 24.5)
        #expect(report.current.rainMm == 0)
        #expect(report.current.cloudCoverPct == 35)
        #expect(report.current.shortwaveRadiationWm2 == 612)
        #expect(report.current.directRadiationWm2 == 455)
        #expect(report.current.diffuseRadiationWm2 == 157)
        #expect(report.current.isDay == true)
        #expect(report.hourly.count == 48)
        #expect(report.hourly[12].time == june21(hour: 12))
        #expect(report.hourly[12].cloudCoverPct == 40)
        #expect(report.hourly.map(\.time) == (0..<48).map { june21(hour: Double($0)) })
    }

    @Test("ISO 8601 local times are shifted by utc_offset_seconds; null values stay missing")
    func isoTime() throws {
        let report = try OpenMeteoDecoder.decode(try Fixture.bytes("berlin-iso8601"))
        #expect(report.current.time == june21(hour: 10))
        #expect(report.hourly.count == 24)
        #expect(report.hourly[0].time == june21(hour: -2))
        #expect(report.hourly[5].cloudCoverPct == nil)
        #expect(report.hourly[6].cloudCoverPct == 10)
    }

    @Test("Field values: current conditions and summaries of the coming hours")
    func fieldValues() throws {
        let report = try OpenMeteoDecoder.decode(try Fixture.bytes("london-unixtime"))
        let values = report.fieldValues(now: june21(hour: 11.75))
        #expect(values["temperature_c"] == .number(19.4))
        #expect(values["cloud_cover_pct"] == .number(35))
        #expect(values["is_day"] == .flag(true))
        // Hours stamped 12:00, 13:00 and 14:00 UTC: 40, 45 and 60 %.
        let next3 = try #require(values["forecast_cloud_cover_3h_pct"]?.numeric)
        #expect(abs(next3 - (40 + 45 + 60) / 3) < 1e-9)
        let hours = report.forecast(from: june21(hour: 11.75), hours: 24)
        #expect(hours.count == 24)
        #expect(values["forecast_temperature_max_24h_c"]?.numeric == hours.compactMap(\.temperatureC).max())
        #expect(values["forecast_precipitation_24h_mm"]?.numeric == hours.compactMap(\.precipitationMm).reduce(0, +))
        for field in WeatherFields.all where field.kind == .number {
            let value = try #require(values[field.id]?.numeric, "\(field.id) missing")
            #expect(field.plausibleRange?.contains(value) ?? true, "\(field.id) = \(value) outside its range")
        }
    }

    @Test("Cloud cover between forecast hours is interpolated")
    func cloudInterpolation() throws {
        let report = try OpenMeteoDecoder.decode(try Fixture.bytes("london-unixtime"))
        #expect(report.cloudCover(at: june21(hour: 12.5)) == 42.5)
        #expect(report.cloudCover(at: june21(hour: 13)) == 45)
        #expect(report.cloudCover(at: june21(hour: 100)) == 35)  // beyond the forecast: the current value
    }

    @Test("Open-Meteo's error body becomes deviceRejected with its reason")
    func errorBody() throws {
        let error = try #require(throws: HeliographError.self) { try OpenMeteoDecoder.decode(try Fixture.bytes("error-latitude")) }
        #expect(error.code == .deviceRejected)
        #expect(error.message.contains("Latitude must be in range of -90 to 90°. Given: 91.0."))
    }

    @Test(
        "Malformed answers are malformedFrame errors that keep the bytes",
        arguments: ["malformed-truncated", "malformed-type", "malformed-hourly-length"]
    )
    func malformed(_ name: String) throws {
        let bytes = try Fixture.bytes(name)
        let error = try #require(throws: HeliographError.self) { try OpenMeteoDecoder.decode(bytes) }
        #expect(error.code == .malformedFrame)
        #expect(error.bytes == Array(bytes.prefix(256)))
    }

    @Test("Garbage, empty bodies and JSON of the wrong shape never crash", arguments: ["", "null", "[]", "{}", "<html>502</html>", "{\"current\":{}}", "{\"latitude\":1,\"longitude\":2,\"current\":{\"time\":\"noon\"}}"])
    func garbage(_ text: String) {
        #expect(throws: HeliographError.self) { try OpenMeteoDecoder.decode(Array(text.utf8)) }
    }

    @Test("Every prefix of a real answer is either decoded or refused, never a crash")
    func prefixes() throws {
        let bytes = try Fixture.bytes("london-unixtime")
        for length in stride(from: 0, to: bytes.count, by: 7) {
            #expect(throws: HeliographError.self) { try OpenMeteoDecoder.decode(bytes[..<length]) }
        }
    }

    @Test("The request asks for every variable, Unix times and the configured place")
    func request() {
        let request = OpenMeteoRequest(baseURL: "http://127.0.0.1:8080/open-meteo/", latitude: 51.5, longitude: -0.12, forecastHours: 24)
        let url = request.url
        #expect(url.hasPrefix("http://127.0.0.1:8080/open-meteo/v1/forecast?latitude=51.5&longitude=-0.12&"))
        #expect(url.contains("current=temperature_2m,relative_humidity_2m,pressure_msl,wind_speed_10m"))
        #expect(url.contains("hourly=temperature_2m"))
        #expect(url.contains("cloud_cover,shortwave_radiation,direct_radiation"))
        #expect(url.contains("timeformat=unixtime"))
        #expect(url.contains("forecast_hours=24"))
    }
}
