import Foundation
import HeliographControl
import HeliographCore
import HeliographSQLite
import HeliographTesting
import HeliographWeb
import HeliographWebTesting
import Hummingbird
import HummingbirdTesting
import Testing

/// The API over the real SQLite store: a year of history is charted from day rollups, and commands
/// are audited in the same database.
@Suite struct SQLiteHistoryTests {
    @Test func aYearChartComesFromDayRollupsAndCommandsAreAuditedInTheStore() async throws {
        let store = try SQLiteStore(configuration: .init(location: .inMemory, timeZone: TimeZone(identifier: "UTC")!))
        try await store.register(DeviceDescriptor(kind: "pi30", id: "inv1", manufacturer: "Voltronic", model: "Axpert", fields: [CommonFields.pvPower, CommonFields.batterySOC]))
        let end = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
        // One sample every four hours keeps the test quick; the store keeps rollups exact on every write.
        let hours = 365 * 24
        var batch: [Sample] = []
        for hour in stride(from: 0, to: hours, by: 4) {
            let time = end.addingTimeInterval(Double(hour - hours) * 3_600)
            let hourOfDay = Double(hour % 24)
            batch.append(Sample(device: "inv1", time: time, values: ["pv_power_w": .number(hourOfDay * 100), "battery_soc_pct": .number(50)]))
            if batch.count == 1_000 {
                try await store.write(batch)
                batch.removeAll()
            }
        }
        try await store.write(batch)

        let gate = CommandGate(drivers: ["inv1": RecordingSettingsDriver()], audit: store)
        let server = try WebServer(
            configuration: WebConfiguration(host: "127.0.0.1", port: 0, credentials: Credentials(tokens: ["ci": WebFixture.token])),
            dependencies: WebDependencies(store: store, feed: BroadcastLiveFeed(), gate: gate, audit: store)
        )
        try await server.makeApplication().test(.router) { client in
            let from = Int(end.timeIntervalSince1970) - 365 * 86_400
            let started = ContinuousClock.now
            let year = try await client.json("/api/v1/history?series=inv1/pv_power_w,inv1/battery_soc_pct&from=\(from)&to=\(Int(end.timeIntervalSince1970))")
            let elapsed = ContinuousClock.now - started
            print("1-year chart of 2 series (\(hours / 4) points each) answered in \(elapsed)")
            let body = try #require(year.json as? [String: Any])
            #expect(body["step"] as? String == "1d")
            let series = try #require(body["series"] as? [[String: Any]])
            let days = try #require(series.first?["points"] as? [[Double]])
            #expect(days.count == 365)
            // Each day holds 0, 400 … 2000 W once: mean 1000, min 0, max 2000, last 2000.
            #expect(days.allSatisfy { $0[1] == 1_000 && $0[2] == 0 && $0[3] == 2_000 && $0[4] == 2_000 })

            let command = try await client.json(
                "/api/v1/commands", method: .post, headers: bearer, body: #"{"device": "inv1", "setting": "buzzer", "value": true}"#
            )
            #expect(command.status == .ok)
            let audit = try #require(try await client.json("/api/v1/audit?device=inv1", headers: bearer).json as? [[String: Any]])
            #expect(audit.map { $0["result"] as? String } == ["applied"])
            #expect(audit.first?["actor"] as? String == "token:ci")
        }
    }
}
