import Foundation
import HeliographTesting
import Testing

/// Drill: PostgreSQL (`storage.backend: postgres`) goes away under the running daemon for
/// `HELIOGRAPH_DRILL_OUTAGE_SECONDS` (15 s by default, 600 for the full drill) and comes back.
///
/// The daemon keeps polling; the samples wait in the store sink's buffer (10 000 samples, far more
/// than ten minutes of this drill's sample a second); once the server is back every sample polled
/// is in the database, none twice, and the time from the server's restart to the backlog being
/// written is measured (the sink retries at most every 10 s, the pool reconnects on demand).
@Suite("Drill: PostgreSQL away", .serialized, .enabled(if: PostgresServer.isUsable, "needs PostgreSQL (scripts/test-deps.d/postgres.sh)"))
struct PostgresOutageDrillTests {
    @Test("PostgreSQL stopped for the outage: polling goes on, nothing lost once it is back, recovery quick")
    func postgresAway() async throws {
        let outage = Drill.outage
        let server = try await PostgresServer.start()
        let directory = try makeTemporaryDirectory("drill-postgres")
        let httpPort = try freePort()
        let base = "http://127.0.0.1:\(httpPort)"
        do {
            try await Drill.withDeyeSimulator { port in
                let config = directory.appendingPathComponent("heliograph.yaml")
                try Drill.configuration(deyePort: port, count: 1, interval: "1s", sections: """
                    storage: { backend: postgres, url: "\(server.url())", path: \(directory.appendingPathComponent("history.sqlite").path) }
                    http: { host: 127.0.0.1, port: \(httpPort) }
                    """).yaml.write(to: config, atomically: true, encoding: .utf8)
                let daemon = try HeliographProcess(["run", "--config", config.path])
                defer { daemon.signal(SIGKILL) }
                try await eventually(timeout: .seconds(60), "the daemon writes to PostgreSQL") {
                    guard daemon.isRunning else { throw TestFailure("the daemon exited: \(daemon.stderr)") }
                    return DaemonTrace(daemon.stderr).written(sink: "postgres") >= 3
                }

                try await server.stop()
                let polledAtStop = DaemonTrace(daemon.stderr).polledCount
                try await Task.sleep(for: outage)
                let duringOutage = DaemonTrace(daemon.stderr).polledCount - polledAtStop
                let expectedPolls = Int(outage / .seconds(1))
                #expect(duringOutage >= expectedPolls / 2, "polling went on: \(duringOutage) polls in \(outage), about \(expectedPolls) expected")
                // /health answers at once (the store probe is bounded), says storage is failing and
                // how many samples wait for it.
                let health = try await Drill.json(base + "/health")
                #expect(health["status"] as? String == "failing", "\(health)")
                let sink = Drill.healthComponent(kind: "sink", name: "postgres", in: health)
                #expect((sink?["detail"] as? String)?.contains("samples waiting") == true, "\(health)")
                #expect(daemon.isRunning)

                let clock = ContinuousClock()
                try await server.restart()
                let restarted = clock.now
                try await eventually(timeout: .seconds(120), "the backlog is written once PostgreSQL is back") {
                    (try? await Drill.sink("postgres", base: base))?["buffered"] as? Int == 0
                }
                #expect(try await Drill.sink("postgres", base: base)["dropped"] as? Int == 0, "nothing dropped from the buffer")
                let recovery = clock.now - restarted
                // The sink retries at most every 10 s (jittered) and a fresh pool replaces the one
                // backing off, whatever the outage's length.
                #expect(recovery < .seconds(20), "recovered \(recovery) after the restart")

                try await daemon.terminate()
                #expect(DaemonTrace(daemon.stderr).messages("Stopped").count == 1, "a clean stop after SIGTERM")

                let polled = DaemonTrace(daemon.stderr).polledTimes["inverter1"] ?? []
                let stored = try await server.psql("""
                    SELECT DISTINCT round(extract(epoch FROM p.time) * 1000)::bigint AS t FROM heliograph.point p
                    JOIN heliograph.series s ON s.id = p.series_id WHERE s.device = 'inverter1' ORDER BY t
                    """)
                #expect(stored.status == 0, "\(stored.output)")
                let storedTimes = stored.output.split(separator: "\n").compactMap { Int64($0) }
                #expect(storedTimes == polled, "stored \(storedTimes.count) of \(polled.count) polled samples")
                print("postgres drill: outage \(outage), \(duringOutage) polls during it, \(polled.count) polled, \(storedTimes.count) stored, backlog written \(recovery) after the restart")
            }
        } catch {
            await server.shutdown()
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        await server.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }
}
