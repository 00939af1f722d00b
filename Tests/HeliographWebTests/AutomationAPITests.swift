import Foundation
import HeliographControl
import HeliographCore
import HeliographTesting
import HeliographWeb
import HeliographWebTesting
import Hummingbird
import HummingbirdTesting
import Testing

/// A fixed automation report, as the daemon's switch and alert services would give.
private struct FixedAutomation: AutomationReport {
    static let time = Date(timeIntervalSince1970: 1_782_036_000)
    let decision = SwitchDecisionRecord(time: time, switchID: "boiler", on: true, reason: "inverter.battery_soc_pct 92 > 90", result: "applied")

    func switches() async -> [SwitchStatus] {
        [SwitchStatus(id: "boiler", on: true, since: Self.time, topic: "cmnd/boiler/POWER", rule: "on when inverter.battery_soc_pct > 90", lastDecision: decision)]
    }
    func decisions(limit: Int) async throws -> [SwitchDecisionRecord] { Array([decision].prefix(limit)) }
    func activeAlerts() async -> [AlertRecord] {
        [AlertRecord(time: Self.time, rule: "logger-offline", state: .firing, severity: "critical", message: "no data from inverter since 10 min", notified: true)]
    }
    func alertHistory(limit: Int) async -> [AlertRecord] {
        Array(
            [
                AlertRecord(time: Self.time, rule: "logger-offline", state: .firing, severity: "critical", message: "no data from inverter since 10 min", notified: true),
                AlertRecord(time: Self.time.addingTimeInterval(-60), rule: "hot", state: .resolved, severity: "warning", message: "resolved", notified: false),
            ].prefix(limit)
        )
    }
    var alertsConfigured: Bool { true }
}

@Suite struct AutomationAPITests {
    private func server(automation: (any AutomationReport)?) throws -> WebServer {
        try WebServer(
            configuration: WebConfiguration(host: "127.0.0.1", port: 0, credentials: Credentials(tokens: [:], users: [:])),
            dependencies: WebDependencies(store: InMemorySampleStore(), feed: BroadcastLiveFeed(), automation: automation)
        )
    }

    @Test func switchesShowStateRuleAndDecisions() async throws {
        try await server(automation: FixedAutomation()).makeApplication().test(.router) { client in
            let (status, json, _, _) = try await client.json("/api/v1/switches")
            #expect(status == .ok)
            let body = try #require(json as? [String: Any])
            #expect(body["configured"] as? Bool == true)
            let switches = try #require(body["switches"] as? [[String: Any]])
            #expect(switches.first?["id"] as? String == "boiler")
            #expect(switches.first?["on"] as? Bool == true)
            #expect(switches.first?["topic"] as? String == "cmnd/boiler/POWER")
            let decisions = try #require(body["decisions"] as? [[String: Any]])
            #expect(decisions.first?["reason"] as? String == "inverter.battery_soc_pct 92 > 90")
            #expect(decisions.first?["time"] as? String == "2026-06-21T10:00:00.000Z")
            #expect(try await client.json("/api/v1/switches?limit=0").status == .badRequest)
        }
    }

    @Test func alertsShowActiveAndHistory() async throws {
        try await server(automation: FixedAutomation()).makeApplication().test(.router) { client in
            let body = try #require(try await client.json("/api/v1/alerts?limit=1").json as? [String: Any])
            #expect((body["active"] as? [[String: Any]])?.map { $0["rule"] as? String } == ["logger-offline"])
            #expect((body["history"] as? [[String: Any]])?.count == 1)
            #expect(try await client.json("/api/v1/alerts?limit=abc").status == .badRequest)
        }
    }

    @Test func forecastListsEachSourceHourByHour() async throws {
        let forecast = WeatherForecast(
            device: "weather", latitude: 51.5, longitude: -0.12, fetched: FixedAutomation.time,
            hours: [WeatherForecast.Hour(time: FixedAutomation.time, temperatureC: 18.5, cloudCoverPct: 40, expectedPVPowerW: 2_100)]
        )
        let server = try WebServer(
            configuration: WebConfiguration(host: "127.0.0.1", port: 0),
            dependencies: WebDependencies(store: InMemorySampleStore(), feed: BroadcastLiveFeed(), forecasts: { [forecast] })
        )
        try await server.makeApplication().test(.router) { client in
            let body = try #require(try await client.json("/api/v1/weather/forecast").json as? [String: Any])
            let first = try #require((body["forecasts"] as? [[String: Any]])?.first)
            #expect(first["device"] as? String == "weather")
            let hour = try #require((first["hours"] as? [[String: Any]])?.first)
            #expect(hour["expectedPVPowerW"] as? Double == 2_100 && hour["cloudCoverPct"] as? Double == 40)
        }
        try await self.server(automation: nil).makeApplication().test(.router) { client in
            let body = try #require(try await client.json("/api/v1/weather/forecast").json as? [String: Any])
            #expect((body["forecasts"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func withoutAutomationTheListsAreEmpty() async throws {
        try await server(automation: nil).makeApplication().test(.router) { client in
            let switches = try #require(try await client.json("/api/v1/switches").json as? [String: Any])
            #expect(switches["configured"] as? Bool == false)
            #expect((switches["switches"] as? [Any])?.isEmpty == true)
            let alerts = try #require(try await client.json("/api/v1/alerts").json as? [String: Any])
            #expect(alerts["configured"] as? Bool == false)
        }
    }
}
