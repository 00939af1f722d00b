import Foundation
import HeliographApp
import HeliographCore
import HeliographDevices
import HeliographTesting
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

/// An Open-Meteo answer around `now`: current conditions and hourly cloud cover of 50 %.
private func openMeteoAnswer(now: Date) -> String {
    let hour = (Int(now.timeIntervalSince1970) / 3_600) * 3_600
    let times = (-2..<22).map { hour + $0 * 3_600 }
    let list = { (value: String) in "[" + times.map { _ in value }.joined(separator: ",") + "]" }
    return """
        {"latitude":51.5,"longitude":-0.12,"generationtime_ms":0.1,"utc_offset_seconds":0,"timezone":"GMT","timezone_abbreviation":"GMT","elevation":23.0,
        "current_units":{"time":"unixtime","interval":"seconds","temperature_2m":"°C","cloud_cover":"%"},
        "current":{"time":\(hour),"interval":900,"temperature_2m":12.5,"relative_humidity_2m":71,"pressure_msl":1009.8,"wind_speed_10m":14.0,
        "wind_direction_10m":200,"wind_gusts_10m":30.2,"rain":0.1,"precipitation":0.1,"cloud_cover":35,"shortwave_radiation":120.0,
        "direct_radiation":40.0,"diffuse_radiation":80.0,"is_day":1},
        "hourly_units":{"time":"unixtime","cloud_cover":"%"},
        "hourly":{"time":[\(times.map(String.init).joined(separator: ","))],"temperature_2m":\(list("11.0")),"cloud_cover":\(list("50")),
        "shortwave_radiation":\(list("100.0")),"precipitation":\(list("0.0"))}}
        """
}

@Suite("Weather and expected output in the daemon")
struct WeatherDaemonTests {
    @Test("An open-meteo device is polled from a local server and stored; the solar estimate uses its cloud cover")
    func weatherAndEstimate() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let requests = Atomic<Int>(0)
        let router = Router()
        router.get("/v1/forecast") { _, _ -> Response in
            requests.add(1, ordering: .relaxed)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: openMeteoAnswer(now: Date()))))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let configuration = DaemonConfiguration(
                database: directory.appendingPathComponent("history.sqlite").path,
                devices: ["weather": "{ type: open-meteo, base_url: \"http://127.0.0.1:\(port)\", interval: 1s }"],
                http: false,
                sections: """
                    site:
                      time_zone: UTC
                      latitude: 51.5
                      longitude: -0.12
                    solar:
                      peak_power_kw: 4
                      interval: 1s
                    """
            )
            try await withDaemonInProcess(configuration: configuration) { daemon in
                try await eventually(timeout: .seconds(30), "weather stored and the estimate using its cloud cover") {
                    guard let weather = try await daemon.store.latest(device: "weather"), weather["temperature_c"] == .number(12.5) else { return false }
                    return try await daemon.store.latest(device: "solar")?["cloud_cover_pct"] == .number(50)
                }
                let weather = try #require(try await daemon.store.latest(device: "weather"))
                #expect(weather["cloud_cover_pct"] == .number(35))
                #expect(weather["forecast_cloud_cover_3h_pct"] == .number(50))
                let devices = try await daemon.store.devices().map(\.descriptor)
                #expect(devices.first { $0.id == "weather" }?.kind == "weather")
                #expect(devices.first { $0.id == "solar" }?.kind == "solar-estimate")
                let estimate = try #require(try await daemon.store.latest(device: "solar"))
                #expect(estimate["expected_pv_power_w"]?.numeric != nil)
                #expect(estimate["sun_elevation_deg"]?.numeric != nil)
                #expect(requests.load(ordering: .relaxed) >= 1)
            }
        }
    }

    @Test("A weather server answering garbage makes the device unavailable with a clear error, and the daemon keeps running")
    func garbageAnswer() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let router = Router()
        router.get("/v1/forecast") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "{\"latitude\": 51.5, \"current\": ")) ) }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            var configuration = HeliographConfiguration(
                site: .init(timeZone: "UTC", latitude: 51.5, longitude: -0.12),
                storage: .init(path: directory.appendingPathComponent("history.sqlite").path)
            )
            configuration.devices = [
                DeviceConfiguration(id: "weather", type: "open-meteo", interval: .milliseconds(200), options: OpenMeteoOptions(baseURL: "http://127.0.0.1:\(try #require(client.port))"))
            ]
            let daemon = try await buildDaemon(configuration: configuration, logger: Logger(label: "test"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await daemon.group.run() }
                try await eventually(timeout: .seconds(30), "the weather source reported unavailable") {
                    daemon.poller.status(of: "weather")?.availability == .unavailable
                }
                let error = try #require(daemon.poller.status(of: "weather")?.lastError)
                #expect(error.contains("malformed frame") && error.contains("Open-Meteo"))
                await daemon.group.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
    }
}
