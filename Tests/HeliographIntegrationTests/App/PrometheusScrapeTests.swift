import Foundation
import HeliographTesting
import Testing

/// `/metrics` of the real binary: linted by promtool and scraped by a real Prometheus (Debian's
/// `prometheus`, installed by scripts/test-deps.d/observability.sh), whose HTTP API must then
/// return our series with their labels.
@Suite("Prometheus scraping heliograph demo", .serialized)
struct PrometheusScrapeTests {
    static let prometheus = ["/usr/bin/prometheus"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let promtool = ["/usr/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: (prometheus != nil && promtool != nil) || isCI, "needs Debian's prometheus package (scripts/test-deps.d/observability.sh)"))
    func prometheusScrapesTheDemo() async throws {
        let prometheus = try #require(Self.prometheus, "prometheus missing: run scripts/test-deps.d/observability.sh")
        let promtool = try #require(Self.promtool, "promtool missing: run scripts/test-deps.d/observability.sh")
        let directory = try makeTemporaryDirectory("prometheus")
        defer { try? FileManager.default.removeItem(at: directory) }

        let demo = try HeliographProcess(["demo", "--http-port", "0", "--interval", "0.5", "--data-directory", directory.appendingPathComponent("demo").path])
        defer { demo.signal(SIGTERM) }
        try await eventually(timeout: .seconds(60), "demo prints its dashboard address") { demo.stdout.contains("Dashboard: http://") }
        let port = try #require(demo.stdout.firstMatch(of: /Dashboard: http:\/\/127\.0\.0\.1:(\d+)\//).map { String($0.output.1) })
        let metricsURL = "http://127.0.0.1:\(port)/metrics"

        // Our exposition, once a poll went through, passes Prometheus's own linter.
        try await eventually(timeout: .seconds(60), "field gauges appear") {
            (try? await httpGet(metricsURL))?.body.contains("heliograph_battery_voltage_v{") == true
        }
        let exposition = try await httpGet(metricsURL)
        #expect(exposition.status == 200)
        #expect(exposition.contentType?.hasPrefix("text/plain; version=0.0.4") == true)
        let file = directory.appendingPathComponent("metrics.prom")
        try Data(exposition.body.utf8).write(to: file)
        let lint = try await ChildProcess.run(promtool, ["check", "metrics"], input: .file(file))
        #expect(lint.status == 0, "promtool check metrics:\n\(lint.output)\n\(exposition.body)")

        // A real Prometheus scrapes it every second.
        let prometheusPort = try freePort()
        let config = directory.appendingPathComponent("prometheus.yml")
        try """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: heliograph
                static_configs:
                  - targets: ["127.0.0.1:\(port)"]
            """.write(to: config, atomically: true, encoding: .utf8)
        let server = try ChildProcess(prometheus, [
            "--config.file=\(config.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("tsdb").path)",
            "--web.listen-address=127.0.0.1:\(prometheusPort)", "--log.level=warn",
        ])
        defer { server.signal(SIGTERM) }
        let api = "http://127.0.0.1:\(prometheusPort)/api/v1/query?query="
        try await eventually(timeout: .seconds(60), "Prometheus is ready") { (try? await httpGet("http://127.0.0.1:\(prometheusPort)/-/ready"))?.status == 200 }

        // Wait for the scrape to land: `up` and our series appear in Prometheus's query API.
        @Sendable func query(_ promQL: String) async throws -> [[String: Any]] {
            let answer = try await httpGet(api + (promQL.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? promQL))
            let json = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]
            return (json?["data"] as? [String: Any])?["result"] as? [[String: Any]] ?? []
        }
        try await eventually(timeout: .seconds(60), "Prometheus scraped heliograph successfully") {
            let up = try await query(#"up{job="heliograph"}"#)
            return ((up.first?["value"] as? [Any])?.last as? String) == "1"
        }
        try await eventually(timeout: .seconds(30), "field gauge in Prometheus") { try await !query("heliograph_battery_voltage_v").isEmpty }
        let voltage = try await query("heliograph_battery_voltage_v")
        let labels = try #require(voltage.first?["metric"] as? [String: String])
        #expect(labels["device"] == "inverter1")
        #expect(labels["model"]?.isEmpty == false)
        let value = try #require(Double(((voltage.first?["value"] as? [Any])?.last as? String) ?? ""))
        #expect((40...60).contains(value), "battery voltage \(value)")
        try await eventually(timeout: .seconds(30), "poll counter in Prometheus") {
            let polls = try await query(#"heliograph_polls_total{device="inverter1"}"#)
            return (Double(((polls.first?["value"] as? [Any])?.last as? String) ?? "") ?? 0) >= 1
        }
        #expect(try await !query("heliograph_build_info").isEmpty)
        #expect(try await !query("heliograph_poll_duration_seconds_bucket").isEmpty)
        #expect(try await !query(#"heliograph_device_up{device="inverter1"} == 1"#).isEmpty)
        // The scrape produced no format warnings in Prometheus's own accounting.
        let samplesScraped = try await query(#"scrape_samples_scraped{job="heliograph"}"#)
        #expect((Double(((samplesScraped.first?["value"] as? [Any])?.last as? String) ?? "") ?? 0) > 20)

        // The probes of the same daemon: ready after the first polls, every component listed, per-device counts.
        let base = "http://127.0.0.1:\(port)"
        #expect(try await httpGet(base + "/ready").status == 200)
        let health = try JSONSerialization.jsonObject(with: Data(try await httpGet(base + "/health").body.utf8)) as? [String: Any]
        #expect(health?["status"] as? String == "ok")
        let components = (health?["components"] as? [[String: Any]] ?? []).map { "\($0["kind"] ?? "?"):\($0["name"] ?? "?"):\($0["status"] ?? "?")" }
        #expect(Set(components).isSuperset(of: ["storage:storage:ok", "poller:inverter1:ok", "sink:sqlite:ok", "sink:prometheus:ok"]), "\(components)")
        let stats = try JSONSerialization.jsonObject(with: Data(try await httpGet(base + "/stats").body.utf8)) as? [String: Any]
        let poller = (stats?["pollers"] as? [[String: Any]])?.first
        #expect(poller?["device"] as? String == "inverter1")
        #expect((poller?["polls"] as? Int ?? 0) >= 1)
        #expect((stats?["bytesOnDisk"] as? Int ?? 0) > 0)

        demo.signal(SIGINT)
        #expect(try await demo.exitStatus() == 0)
    }
}
