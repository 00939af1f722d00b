import Foundation
import HeliographTesting
import Testing

/// Drill: the database's filesystem (a 16 MB tmpfs) fills up under the running daemon, then space
/// comes back.
///
/// While full: a clear error in the log and in `/health`, polling goes on, samples wait in the store
/// sink's buffer (bounded: 10 000 samples, oldest dropped beyond and counted). Once space is back the
/// waiting samples are written, in order, nothing polled is missing, nothing stored before is gone,
/// and the file passes `PRAGMA integrity_check`.
@Suite(
    "Drill: disk full under the database", .serialized,
    .enabled(if: SQLiteInspector.isUsable, "needs the sqlite3 shell (scripts/test-deps.d/drills.sh)"),
    .enabled(if: SmallFilesystem.canMount, "needs the right to mount a tmpfs (root)")
)
struct DiskFullDrillTests {
    @Test("a full disk: clear error in log and /health, polling goes on, writing resumes when space returns, nothing lost, integrity ok")
    func diskFullAndBack() async throws {
        let filesystem = try SmallFilesystem(megabytes: 16)
        defer { filesystem.unmount() }
        let database = filesystem.mountPoint.appendingPathComponent("history.sqlite").path
        let inspector = SQLiteInspector(path: database)
        let httpPort = try freePort()
        let base = "http://127.0.0.1:\(httpPort)"

        try await Drill.withDeyeSimulator { port in
            let config = filesystem.mountPoint.appendingPathComponent("heliograph.yaml")
            try Drill.configuration(deyePort: port, count: 1, interval: "250ms", sections: """
                storage: { path: \(database) }
                http: { host: 127.0.0.1, port: \(httpPort) }
                """).yaml.write(to: config, atomically: true, encoding: .utf8)
            let daemon = try HeliographProcess(["run", "--config", config.path])
            defer { daemon.signal(SIGKILL) }

            try await eventually(timeout: .seconds(60), "the daemon stores samples and answers /health") {
                guard daemon.isRunning else { throw TestFailure("the daemon exited: \(daemon.stderr)") }
                guard DaemonTrace(daemon.stderr).written(sink: "sqlite") >= 4 else { return false }
                return (try? await httpGet(base + "/health"))?.status == 200
            }

            // Another program takes every free byte.
            let ballast = try filesystem.fill()
            let polledAtFill = DaemonTrace(daemon.stderr).polledCount
            try await eventually(timeout: .seconds(60), "a write fails with a disk-full error in the log") {
                DaemonTrace(daemon.stderr).messages("Sink write failed; will retry").contains { $0["error"]?.contains("disk is full") == true }
            }
            let failure = try #require(DaemonTrace(daemon.stderr).messages("Sink write failed; will retry").last)
            #expect(failure["level"] == "warning")
            #expect(failure["sink.name"] == "sqlite")

            // /health names the problem; polling goes on; samples wait in the buffer.
            try await eventually(timeout: .seconds(30), "/health shows the sqlite sink degraded by the full disk") {
                let health = try await Drill.json(base + "/health")
                let sink = Drill.healthComponent(kind: "sink", name: "sqlite", in: health)
                return health["status"] as? String != "ok" && (sink?["detail"] as? String)?.contains("disk is full") == true
            }
            try await eventually(timeout: .seconds(30), "polling goes on while the disk is full") {
                DaemonTrace(daemon.stderr).polledCount >= polledAtFill + 12
            }
            // A retry can still fit a batch into free pages inside the database file, so the buffer is
            // waited for, not read once.
            try await eventually(timeout: .seconds(30), "samples wait for space in the sink's buffer") {
                (try await Drill.sink("sqlite", base: base)["buffered"] as? Int ?? 0) > 0
            }
            let waiting = try await Drill.sink("sqlite", base: base)
            #expect(waiting["dropped"] as? Int == 0, "nothing dropped: the buffer holds 10 000 samples")
            #expect(daemon.isRunning)

            // Space comes back: the waiting samples are written and writing goes on.
            try filesystem.free()
            try await eventually(timeout: .seconds(60), "writing resumes once space is back") {
                DaemonTrace(daemon.stderr).messages("Sink write succeeded again").contains { $0["sink.name"] == "sqlite" }
            }
            try await eventually(timeout: .seconds(30), "the backlog is written") {
                try await Drill.sink("sqlite", base: base)["buffered"] as? Int == 0
            }
            try await eventually(timeout: .seconds(30), "/health is ok again") { try await Drill.json(base + "/health")["status"] as? String == "ok" }

            try await daemon.terminate()
                #expect(DaemonTrace(daemon.stderr).messages("Stopped").count == 1, "a clean stop after SIGTERM")

            // Every sample polled, before, during and after the full disk, is in the database, in order.
            let polled = DaemonTrace(daemon.stderr).polledTimes
            let first = try #require(polled["inverter1"]?.first)
            let stored = try await inspector.sampleTimes(since: first)
            #expect(stored["inverter1"] == polled["inverter1"], "stored \(stored["inverter1"]?.count ?? 0) of \(polled["inverter1"]?.count ?? 0) polled")
            #expect(try await inspector.integrityCheck() == ["ok"])
            print("disk-full drill: ballast \(ballast) bytes; \(polled["inverter1"]?.count ?? 0) samples polled, all stored")
        }
    }
}
