import Foundation
import HeliographCore
import HeliographPI30
import HeliographSolarman
import HeliographTesting
import Testing

/// The shipped Grafana dashboards: importable JSON whose queries name what Heliograph really produces.
@Suite("Grafana dashboards")
struct GrafanaDashboardTests {
    static func load(_ name: String) throws -> [String: Any] {
        let url = PackagingTests.root.appendingPathComponent("packaging/grafana/\(name)")
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any], "\(name) is not a JSON object")
    }

    /// Every field id a bundled driver emits (PI30 and every Deye register map), as the store and
    /// the field gauges name them.
    static var knownFields: Set<String> {
        get throws {
            var fields = Set(PI30Fields.all.map(\.id.rawValue))
            for name in RegisterMap.bundledNames { fields.formUnion(try RegisterMap.bundled(name).fields.map(\.id.rawValue)) }
            return fields
        }
    }

    static func panels(_ dashboard: [String: Any]) -> [[String: Any]] { dashboard["panels"] as? [[String: Any]] ?? [] }

    static func queries(_ dashboard: [String: Any], key: String) -> [String] {
        panels(dashboard).flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0[key] as? String } }
    }

    /// Metric names (`heliograph_…`) in PromQL expressions.
    static func metricNames(in expressions: [String]) -> Set<String> {
        Set(expressions.flatMap { $0.matches(of: /heliograph_[a-z0-9_]+/).map { String($0.output) } })
    }

    /// What every importable dashboard needs: an input for its data source used by every panel,
    /// unique panel ids, panels inside the 24-column grid, a query in every non-row panel.
    func checkStructure(_ dashboard: [String: Any], input: String) throws {
        #expect(dashboard["uid"] is String && dashboard["title"] is String && dashboard["schemaVersion"] is Int)
        let inputs = try #require(dashboard["__inputs"] as? [[String: Any]])
        #expect(inputs.map { $0["name"] as? String } == [input])
        let panels = Self.panels(dashboard)
        #expect(panels.count >= 6)
        let ids = panels.compactMap { $0["id"] as? Int }
        #expect(ids.count == panels.count && Set(ids).count == ids.count, "panel ids unique")
        for panel in panels {
            let grid = try #require(panel["gridPos"] as? [String: Int])
            #expect((grid["x"] ?? -1) >= 0 && (grid["x"] ?? 0) + (grid["w"] ?? 0) <= 24, "\(panel["title"] ?? "")")
            guard panel["type"] as? String != "row" else { continue }
            #expect((panel["datasource"] as? [String: String])?["uid"] == "${\(input)}", "\(panel["title"] ?? "")")
            let targets = try #require(panel["targets"] as? [[String: Any]], "\(panel["title"] ?? "")")
            #expect(!targets.isEmpty)
        }
    }

    @Test("Prometheus dashboard: structure, and every series it plots is one Heliograph exports")
    func prometheus() throws {
        let dashboard = try Self.load("heliograph-prometheus.json")
        try checkStructure(dashboard, input: "DS_PROMETHEUS")
        let names = Self.metricNames(in: Self.queries(dashboard, key: "expr"))
        #expect(names.count >= 15)
        // Field gauges are heliograph_<field id>; every one named must be a field the drivers emit.
        let daemonMetrics = Self.daemonMetrics
        let fields = Set(try Self.knownFields.map { "heliograph_" + $0 })
        for name in names where !daemonMetrics.contains(name) {
            #expect(fields.contains(name), "\(name) is neither a daemon metric nor a field a driver emits")
        }
        // PromQL basics the linter would catch: balanced brackets, selectors with the device variable.
        for expression in Self.queries(dashboard, key: "expr") {
            #expect(expression.filter { $0 == "(" }.count == expression.filter { $0 == ")" }.count, "\(expression)")
            #expect(expression.filter { $0 == "{" }.count == expression.filter { $0 == "}" }.count, "\(expression)")
        }
    }

    /// Daemon metrics (not field gauges) the dashboard uses; `prometheusScrape` proves each is served.
    static let daemonMetrics: Set<String> = [
        "heliograph_polls_total", "heliograph_poll_errors_total", "heliograph_poll_success", "heliograph_poll_duration_seconds_sum",
        "heliograph_poll_duration_seconds_count", "heliograph_poll_duration_seconds_bucket", "heliograph_samples_discarded_total",
        "heliograph_sink_written_samples_total", "heliograph_sink_dropped_samples_total", "heliograph_sink_write_errors_total",
        "heliograph_device_up", "heliograph_device_last_success_timestamp_seconds", "heliograph_uptime_seconds", "heliograph_store_size_bytes",
        "heliograph_build_info",
    ]

    @Test("every series the Prometheus dashboard plots is in a real /metrics scrape of the demo")
    func prometheusScrape() async throws {
        let directory = try makeTemporaryDirectory("grafana")
        defer { try? FileManager.default.removeItem(at: directory) }
        let demo = try HeliographProcess(["demo", "--http-port", "0", "--interval", "0.5", "--data-directory", directory.appendingPathComponent("demo").path])
        defer { demo.signal(SIGTERM) }
        try await eventually(timeout: .seconds(60), "demo prints its dashboard address") { demo.stdout.contains("Dashboard: http://") }
        let port = try #require(demo.stdout.firstMatch(of: /Dashboard: http:\/\/127\.0\.0\.1:(\d+)\//).map { String($0.output.1) })
        let url = "http://127.0.0.1:\(port)/metrics"
        // After a few polls every device and sink metric exists.
        try await eventually(timeout: .seconds(60), "field gauges and poll histograms appear") {
            let body = (try? await httpGet(url))?.body ?? ""
            return body.contains("heliograph_battery_voltage_v{") && body.contains("heliograph_poll_duration_seconds_count")
                && body.contains("heliograph_sink_written_samples_total")
        }
        let body = try await httpGet(url).body
        var exported: Set<String> = []
        for line in body.split(separator: "\n") where !line.hasPrefix("#") {
            exported.insert(String(line.prefix { character in character != "{" && character != " " }))
        }
        let plotted = Self.metricNames(in: Self.queries(try Self.load("heliograph-prometheus.json"), key: "expr"))
        // The demo runs PI30 inverters: fields of other families (Deye grid power, energy today) are
        // checked against the drivers' field lists in `prometheus()`; the discard counter exists once
        // the validator first rejects something.
        let demoFields = Set(PI30Fields.all.map { "heliograph_" + $0.id.rawValue })
        let onlyAfterEvents: Set<String> = ["heliograph_samples_discarded_total"]
        for name in plotted.sorted() where Self.daemonMetrics.contains(name) || demoFields.contains(name) {
            guard !onlyAfterEvents.contains(name) else { continue }
            #expect(exported.contains(name), "\(name) is plotted but not in /metrics")
        }
        #expect(body.contains("# TYPE heliograph_samples_discarded_total counter") || !body.contains("heliograph_samples_discarded_total"))
    }

    @Test("PostgreSQL dashboard: structure, and queries use the store's schema and Grafana's time filter")
    func postgresql() throws {
        let dashboard = try Self.load("heliograph-postgresql.json")
        try checkStructure(dashboard, input: "DS_POSTGRESQL")
        let queries = Self.queries(dashboard, key: "rawSql")
        #expect(queries.count == Self.panels(dashboard).count)
        let tables = Set(queries.flatMap { $0.matches(of: /heliograph\.([a-z0-9_]+)/).map { String($0.output.1) } })
        #expect(tables.isSubset(of: ["series", "device", "rollup_1m", "rollup_1h", "rollup_1d", "point"]), "\(tables)")
        let fields = try Self.knownFields
        for query in queries {
            for match in query.matches(of: /s\.field = '([a-z0-9_]+)'/) { #expect(fields.contains(String(match.output.1)), "\(match.output.1)") }
            if query.contains("s.field") { #expect(query.contains("$__timeFilter(") && query.contains("$device"), "\(query)") }
        }
    }
}
