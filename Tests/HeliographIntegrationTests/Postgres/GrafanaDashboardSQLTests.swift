import Foundation
import HeliographCore
import HeliographPostgres
import HeliographTesting
import Logging
import Testing

/// The shipped PostgreSQL Grafana dashboard, run against a real PostgreSQL holding what the store
/// wrote: every panel's SQL (Grafana macros expanded as Grafana does) must run and return rows.
@Suite("Grafana PostgreSQL dashboard", .enabled(if: PostgresServer.isUsable), .timeLimit(.minutes(5)))
struct GrafanaDashboardSQLTests {
    static let dashboard: URL = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) { directory.deleteLastPathComponent() }
        return directory.appendingPathComponent("packaging/grafana/heliograph-postgresql.json")
    }()

    @Test func everyPanelQueryRunsAndReturnsRows() async throws {
        let server = try await PostgresServer.shared()
        var configuration = try PostgresStore.Configuration(url: server.url())
        let schema = uniqueSchema("grafana")
        configuration.schema = schema
        let store = try PostgresStore(configuration: configuration, logger: Logger(label: "test.grafana"))
        let device: DeviceID = "inverter"
        let start = Date().addingTimeInterval(-3 * 3_600)
        try await store.withRunning {
            try await store.register(DeviceDescriptor(kind: "pi30", id: device, manufacturer: "Voltronic Power", model: "PI30 5000 VA 48 V", fields: []))
            // Three hours at one sample a minute, every field the dashboard plots.
            var samples: [Sample] = []
            for minute in 0..<180 {
                let m = Double(minute)
                var values: [FieldID: FieldValue] = [:]
                values["pv_power_w"] = .number(m * 10)
                values["battery_soc_pct"] = .number(50 + m.truncatingRemainder(dividingBy: 40))
                values["grid_power_w"] = .number(-200)
                values["load_power_w"] = .number(800)
                values["pv_energy_today_kwh"] = .number(m / 60)
                values["battery_voltage_v"] = .number(50 + m.truncatingRemainder(dividingBy: 5) / 10)
                samples.append(Sample(device: device, time: start.addingTimeInterval(m * 60), values: values))
            }
            try await store.write(samples)
        }

        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.dashboard)) as? [String: Any])
        let panels = try #require(object["panels"] as? [[String: Any]])
        let formatter = ISO8601DateFormatter()
        let from = formatter.string(from: start.addingTimeInterval(-3_600)), to = formatter.string(from: Date().addingTimeInterval(3_600))
        for panel in panels {
            for case let target as [String: Any] in panel["targets"] as? [Any] ?? [] {
                guard var sql = target["rawSql"] as? String else { continue }
                // What Grafana sends: the time filter as BETWEEN, the multi-value variable as a quoted list.
                sql = sql.replacing(/\$__timeFilter\(([a-z_.]+)\)/) { "\($0.output.1) BETWEEN '\(from)' AND '\(to)'" }
                sql = sql.replacingOccurrences(of: "$device", with: "'\(device.rawValue)'")
                sql = sql.replacingOccurrences(of: "heliograph.", with: "\(schema).")
                let result = try await server.psql(sql)
                #expect(result.status == 0, "\(panel["title"] ?? ""): \(result.output)\n\(sql)")
                let rows = result.output.split(separator: "\n").filter { !$0.isEmpty }
                #expect(!rows.isEmpty, "\(panel["title"] ?? "") returned no rows:\n\(sql)")
            }
        }
        // The device variable's own query.
        let templating = (object["templating"] as? [String: Any])?["list"] as? [[String: Any]]
        let variable = try #require(templating?.first?["query"] as? String)
        let devices = try await server.psql(variable.replacingOccurrences(of: "heliograph.", with: "\(schema)."))
        #expect(devices.output.trimmingCharacters(in: .whitespacesAndNewlines) == device.rawValue)
    }
}
