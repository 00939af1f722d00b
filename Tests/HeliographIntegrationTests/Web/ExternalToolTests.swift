import Foundation
import HeliographCore
import HeliographTesting
import HeliographWeb
import HeliographWebTesting
import Hummingbird
import HummingbirdTesting
import Testing

/// Checks that need tools outside Swift: the dashboard in real headless Chromium (selenium driving
/// Debian's chromium-driver) and schemathesis fuzzing the API from /openapi.json. Installed by
/// scripts/test-deps.d/web.sh; missing tools fail under CI and skip elsewhere.
@Suite(.serialized) struct ExternalToolTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let hasBrowser = FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver") && pythonHas("selenium")
    static let schemathesis = ["/usr/local/bin/schemathesis", "/root/.pyenv/shims/schemathesis", "/usr/bin/schemathesis"]
        .first { FileManager.default.isExecutableFile(atPath: $0) } ?? findExecutable("schemathesis")

    @Test(.enabled(if: hasBrowser || isCI, "needs chromium, chromium-driver and selenium (scripts/test-deps.d/web.sh)"))
    func dashboardWorksInHeadlessChromium() async throws {
        try #require(Self.hasBrowser, "chromium, chromium-driver or selenium missing: run scripts/test-deps.d/web.sh")
        let fixture = try await WebFixture()
        try await fixture.server.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            let publisher = Task { try await Self.publishSamples(fixture) }
            defer { publisher.cancel() }
            let (status, output) = try await Self.run(
                ["python3", Self.packageRoot.appendingPathComponent("Tests/Browser/browser_test.py").path,
                 "--url", "http://127.0.0.1:\(port)", "--token", WebFixture.token, "--require-command",
                 "--artifacts", Self.packageRoot.appendingPathComponent("artifacts/browser-fixture").path]
            )
            #expect(status == 0, "browser test failed:\n\(output)")
            #expect(output.contains(" 0 failed"))
        }
        #expect(await fixture.audit.all.contains { $0.actor == "token:ci" }, "the command from the page reached the gate")
    }

    /// The same browser checks against the real thing: `heliograph demo` (simulated PI30s on ptys,
    /// real drivers, the SQLite store, the web front end), commands going to a simulated inverter.
    @Test(.enabled(if: hasBrowser || isCI, "needs chromium, chromium-driver and selenium (scripts/test-deps.d/web.sh)"))
    func dashboardWorksAgainstTheDemo() async throws {
        try #require(Self.hasBrowser, "chromium, chromium-driver or selenium missing: run scripts/test-deps.d/web.sh")
        let binary = Self.packageRoot.appendingPathComponent(".build/debug/heliograph").path
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build the heliograph executable first (swift build)")
        let data = try makeTemporaryDirectory("demo")
        defer { try? FileManager.default.removeItem(at: data) }
        let (status, output) = try await Self.run(
            ["python3", Self.packageRoot.appendingPathComponent("Tests/Browser/browser_test.py").path,
             "--start", "\(binary) demo --http-host 127.0.0.1 --http-port {port} --interval 0.5 --data-directory \(data.path)",
             "--token", "demo-token-0123456789abcdef", "--require-command",
             "--artifacts", Self.packageRoot.appendingPathComponent("artifacts/browser-demo").path],
            environment: ["HELIOGRAPH_TOKEN": "demo-token-0123456789abcdef"]
        )
        #expect(status == 0, "browser test against the demo failed:\n\(output)")
    }

    @Test(.enabled(if: schemathesis != nil || isCI, "needs schemathesis (scripts/test-deps.d/web.sh)"))
    func schemathesisFindsNoServerErrors() async throws {
        let tool = try #require(Self.schemathesis, "schemathesis missing: run scripts/test-deps.d/web.sh")
        let fixture = try await WebFixture()
        let scratch = try makeTemporaryDirectory("schemathesis")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try await fixture.server.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            let (status, output) = try await Self.run(
                [tool, "run", "http://127.0.0.1:\(port)/openapi.json", "--checks", "not_a_server_error", "--max-examples", "15",
                 "--header", "Authorization: Bearer \(WebFixture.token)", "--no-color"],
                in: scratch  // schemathesis keeps a cache folder in its working directory
            )
            #expect(status == 0, "schemathesis reported problems:\n\(output.suffix(6_000))")
        }
    }

    /// A new sample for the inverter every 300 ms, to the store and the live feed, as the pipeline would.
    static func publishSamples(_ fixture: WebFixture) async throws {
        var step = 0.0
        while !Task.isCancelled {
            step += 1
            let sample = Sample(device: "inv1", time: Date(), values: [
                "pv_power_w": .number(1_500 + 50 * sin(step / 5)), "battery_soc_pct": .number(62), "battery_power_w": .number(400),
                "grid_power_w": .number(-150), "load_power_w": .number(950),
            ])
            try await fixture.store.write([sample])
            try await fixture.feed.write([sample])
            try await Task.sleep(for: .milliseconds(300))
        }
    }

    /// Runs a tool (looked up on PATH) to the end; its status and output, which is also printed.
    static func run(_ arguments: [String], in directory: URL = packageRoot, environment: [String: String] = [:]) async throws -> (Int32, String) {
        let result = try await ChildProcess.run(arguments[0], Array(arguments.dropFirst()), environment: environment, directory: directory, timeout: .seconds(600))
        print(result.output)
        return (result.status, result.output)
    }
}
