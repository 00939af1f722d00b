import Foundation
import HeliographCore
import HeliographTesting
import Testing

/// Drill: the real daemon, writing samples from simulated inverters into SQLite, is killed with
/// SIGKILL at seeded random moments and restarted, 100 times (`HELIOGRAPH_DRILL_KILLS`,
/// `HELIOGRAPH_DRILL_SEED`).
///
/// After every kill, with the daemon down, the `sqlite3` shell checks the file:
/// - `PRAGMA integrity_check` answers `ok`;
/// - nothing stored before is gone (points never decrease);
/// - every batch the daemon reported written ("Sink wrote batch") is there, and per device the
///   stored samples are the oldest of those it polled: only a tail is lost;
/// - that tail is at most one batch. A batch is what the store sink takes in one transaction: the
///   samples that arrived while the oldest of them waited the flush interval (0.5 s), at most 500.
///   A kill loses the batch being written plus the samples that arrived since it was taken (its
///   write time) and the poll that had just finished; with `devices` inverters polled every
///   `interval` that is `devices × (⌈2 × flush / interval⌉ + 1)` samples at most.
@Suite("Drill: kill -9 during writes", .serialized, .enabled(if: SQLiteInspector.isUsable, "needs the sqlite3 shell (scripts/test-deps.d/drills.sh)"))
struct KillDrillTests {
    static let devices = 4
    static let interval = Duration.milliseconds(200)
    static let flushInterval = Duration.milliseconds(500)

    /// Samples one batch can hold at most in this drill (see the suite's documentation).
    static var batchBound: Int {
        let perDevice = Int((flushInterval * 2 / interval).rounded(.up)) + 1
        return devices * perDevice
    }

    @Test("100 kill -9 at random moments while writing: integrity ok, committed batches kept, at most one batch lost")
    func killsDuringWrites() async throws {
        let kills = Drill.setting("HELIOGRAPH_DRILL_KILLS", default: 100)
        var random = SplitMix64(seed: UInt64(Drill.setting("HELIOGRAPH_DRILL_SEED", default: 13)))
        let directory = try makeTemporaryDirectory("drill-kill")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("history.sqlite").path
        let inspector = SQLiteInspector(path: database)

        try await Drill.withDeyeSimulator { port in
            let config = directory.appendingPathComponent("heliograph.yaml")
            let interval = "\(Int(Self.interval / .milliseconds(1)))ms"
            // Restarted after every kill on the same file, so written once rather than through withDaemon.
            try Drill.configuration(deyePort: port, count: Self.devices, interval: interval, sections: """
                storage: { path: \(database) }
                http: { enabled: false }
                """).yaml.write(to: config, atomically: true, encoding: .utf8)

            var pointsBefore = 0
            var worstLoss = 0
            var worstLossSpan = Duration.zero
            var killedWhileUnconfirmed = 0
            let clock = ContinuousClock()
            let started = clock.now
            for kill in 1...kills {
                let daemon = try HeliographProcess(["run", "--config", config.path])
                // Steady state first: this instance has written at least one batch. Then a random
                // moment within the next two flush intervals, which covers idle, mid-batch and mid-write.
                try await eventually(timeout: .seconds(60), "kill \(kill): the daemon writes its first batch") {
                    guard daemon.isRunning else { throw TestFailure("kill \(kill): the daemon exited: \(daemon.stderr)") }
                    return daemon.stderr.contains(#""message":"Sink wrote batch""#)
                }
                let pause = Duration.milliseconds(Int64(random.next(in: 0...(Self.flushInterval * 2 / .milliseconds(1)))))
                try await Task.sleep(for: pause)
                let killedAt = Drill.nowMilliseconds
                daemon.signal(SIGKILL)
                let status = try await daemon.exitStatus(timeout: .seconds(30))
                #expect(status == 128 + SIGKILL, "kill \(kill): ended by SIGKILL")

                let trace = DaemonTrace(daemon.stderr)
                let polled = trace.polledTimes
                let firstPolled = polled.values.compactMap(\.first).min() ?? killedAt
                #expect(try await inspector.integrityCheck() == ["ok"], "kill \(kill): integrity")
                let points = try await inspector.pointCount()
                #expect(points >= pointsBefore, "kill \(kill): \(pointsBefore) points before, \(points) after: stored history lost")
                pointsBefore = points

                let stored = try await inspector.sampleTimes(since: firstPolled)
                var lost = 0
                for (device, times) in polled {
                    let kept = stored[device] ?? []
                    // Stored samples are exactly the oldest polled ones: no holes, nothing unknown.
                    #expect(kept == Array(times.prefix(kept.count)), "kill \(kill) \(device): stored \(kept.count) of \(times.count) polled, not a prefix")
                    lost += times.count - kept.count
                    if let oldestLost = times.dropFirst(kept.count).first {
                        worstLossSpan = max(worstLossSpan, .milliseconds(killedAt - oldestLost))
                    }
                }
                let storedCount = stored.values.reduce(0) { $0 + $1.count }
                let reported = trace.written(sink: "sqlite")
                #expect(storedCount >= reported, "kill \(kill): the daemon reported \(reported) samples written, \(storedCount) stored")
                #expect(lost <= Self.batchBound, "kill \(kill): \(lost) samples lost, more than one batch (\(Self.batchBound))")
                if lost > 0 { killedWhileUnconfirmed += 1 }
                worstLoss = max(worstLoss, lost)
            }
            let elapsed = clock.now - started
            // The figures README's "Crash safety" section quotes.
            print("kill drill: \(kills) kills in \(elapsed); worst loss \(worstLoss) samples (bound \(Self.batchBound)), oldest lost sample \(worstLossSpan) before the kill; \(killedWhileUnconfirmed) kills lost something; \(pointsBefore) points stored")
        }
    }
}
