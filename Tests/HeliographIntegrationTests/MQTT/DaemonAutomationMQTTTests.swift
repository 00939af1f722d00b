import Foundation
import HeliographApp
import HeliographCore
import HeliographTesting
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// A small Open-Meteo answer for the current hour: 12.5 °C, gusts of 30 km/h.
private func openMeteoAnswer() -> String {
    let hour = (Int(Date().timeIntervalSince1970) / 3_600) * 3_600
    return """
        {"latitude":51.5,"longitude":-0.12,"utc_offset_seconds":0,"timezone":"GMT","elevation":23.0,
        "current":{"time":\(hour),"interval":900,"temperature_2m":12.5,"relative_humidity_2m":71,"pressure_msl":1009.8,"wind_speed_10m":14.0,
        "wind_gusts_10m":30.2,"cloud_cover":35,"is_day":1},
        "hourly":{"time":[\(hour),\(hour + 3_600)],"cloud_cover":[40,50],"temperature_2m":[12.0,13.0]}}
        """
}

extension BrokerSuites {
    /// The daemon with a weather source, a load switch and an alert, all through one mosquitto.
    @Suite("Daemon automation over mosquitto", .enabled(if: Mosquitto.isUsable && Paho.isUsable, "needs mosquitto and paho-mqtt (scripts/test-deps.d/mqtt.sh)"))
    struct DaemonAutomationMQTTTests {
        @Test("weather/<field> topics, a switch command and an MQTT alert, driven by weather from a local Open-Meteo")
        func weatherSwitchAndAlert() async throws {
            try await withTestResources(timeout: .seconds(120)) { resources in
                // A private broker: the weather topics (weather/<field>) and the Shelly command topic have fixed
                // roots no prefix moves, and paho listens on '#' for all of them.
                let broker = try await Mosquitto.start(in: resources)
                let directory = try makeTemporaryDirectory("daemon-automation")
                resources.onCleanup { try? FileManager.default.removeItem(at: directory) }
                let paho = try Paho.Subscriber.start(in: resources, port: broker.port, filter: "#")
                let received = paho.messages()
                _ = try await collect(received, count: 1) { $0.payload == "SUBSCRIBED" }

                let router = Router()
                router.get("/v1/forecast") { _, _ in
                    Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: openMeteoAnswer())))
                }
                let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
                try await app.test(.live) { client in
                    let yaml = """
                        site: { time_zone: UTC, latitude: 51.5, longitude: -0.12 }
                        storage: { path: \(directory.appendingPathComponent("history.sqlite").path) }
                        devices:
                          weather:
                            type: open-meteo
                            base_url: http://127.0.0.1:\(try #require(client.port))
                            interval: 1s
                        http: { enabled: false }
                        mqtt:
                          host: 127.0.0.1
                          port: \(broker.port)
                          client_id: heliograph-automation-test
                          discovery: false
                        switches:
                          heater:
                            style: shelly
                            name: shelly1-TEST
                            on_when: weather.temperature_c < 15
                            off_when: weather.temperature_c > 20
                        alerts:
                          rules:
                            windy:
                              when: weather.wind_gusts_kmh > 25
                              severity: warning
                        """
                    let (parsed, problems) = HeliographConfiguration.parse(yaml: yaml)
                    #expect(problems.isEmpty, "\(problems)")
                    let daemon = try await buildDaemon(configuration: try #require(parsed), logger: Logger(label: "daemon-automation"))
                    let task = Task { try await daemon.group.run() }
                    defer { task.cancel() }

                    let wanted: Set<String> = ["weather/temperature_c", "weather/wind_gusts_kmh", "shellies/shelly1-TEST/relay/0/command", "heliograph/alerts/windy"]
                    let messages = try await collect(received, count: wanted.count) { wanted.contains($0.topic) && !$0.payload.isEmpty }
                    let byTopic = Dictionary(messages.map { ($0.topic, $0) }) { first, _ in first }
                    #expect(byTopic["weather/temperature_c"]?.payload == "12.5")
                    #expect(byTopic["weather/wind_gusts_kmh"]?.payload == "30.2")
                    #expect(byTopic["shellies/shelly1-TEST/relay/0/command"]?.payload == "on")
                    let alert = try #require(byTopic["heliograph/alerts/windy"])
                    let json = try #require(try JSONSerialization.jsonObject(with: Data(alert.payload.utf8)) as? [String: String])
                    #expect(json["state"] == "firing")
                    #expect(json["message"] == "weather.wind_gusts_kmh 30.2 > 25")

                    // Weather topics are retained: a subscriber arriving later gets the last values.
                    let late = try Paho.Subscriber.start(in: resources, port: broker.port, filter: "weather/temperature_c")
                    let retained = try await collect(late.messages(), count: 1) { $0.topic == "weather/temperature_c" }
                    #expect(retained.first?.retain == true && retained.first?.payload == "12.5")

                    // The decision is stored in the audit log with its reason.
                    let audit: any AuditLog = daemon.store
                    try await eventually("the switching decision is stored") { try await !audit.entries(device: "heater", limit: 5).isEmpty }
                    let entry = try #require(try await audit.entries(device: "heater", limit: 5).first)
                    #expect(entry.actor == "rule:heater" && entry.result == "applied" && entry.message == "weather.temperature_c 12.5 < 15")

                    await daemon.group.triggerGracefulShutdown()
                    _ = await task.result
                }
            }
        }
    }
}
