import Foundation
import HeliographCore
import HeliographSQLite
import HeliographTesting
import Testing

/// `heliograph backup` against a database the running daemon is writing.
@Suite("heliograph backup", .serialized)
struct BackupTests {
    @Test("backs up while the daemon writes; the copy is sound, has the data, and is never overwritten")
    func onlineBackup() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (simulator, link) = try await HeliographProcess.pi30Simulator(in: directory)
        let database = directory.appendingPathComponent("history.sqlite").path
        let configuration = DaemonConfiguration(database: database, devices: ["inverter": "{ type: pi30, port: \(link), interval: 200ms }"])
        let series = SeriesKey(device: "inverter", field: "battery_voltage_v")
        let past = Date(timeIntervalSinceNow: -3_600)
        let backup = directory.appendingPathComponent("backup-1.sqlite").path
        let countAtBackup = try await withDaemon(configuration: configuration, in: directory) { daemon in
            let config = daemon.configFile
            // Open our reader after the daemon has created and migrated the database (two migrating at once race).
            try await eventually(timeout: .seconds(30), "daemon opens the database") { daemon.process.stderr.contains("history database open") }
            let live = try SQLiteStore(configuration: .init(path: database))
            try await eventually(timeout: .seconds(30), "points arrive") { try await live.points(series, from: past, to: .distantFuture).count >= 3 }

            let result = try await HeliographProcess.run(["backup", "--config", config.path, "--to", backup])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("integrity ok"), "\(result.stdout)")
            #expect(!FileManager.default.fileExists(atPath: backup + ".partial"))

            // The daemon kept writing during and after the backup.
            let countAtBackup = try await SQLiteStore(configuration: .init(path: backup)).points(series, from: past, to: .distantFuture).count
            #expect(countAtBackup >= 3)
            try await eventually(timeout: .seconds(30), "daemon writes on after the backup") {
                try await live.points(series, from: past, to: .distantFuture).count > countAtBackup
            }
            #expect(daemon.process.isRunning)

            // Never overwrites; a missing source is a clear error.
            let again = try await HeliographProcess.run(["backup", "--database", database, "--to", backup])
            #expect(again.status == 1)
            #expect(again.stderr.contains("already exists"), "\(again.stderr)")
            let missing = try await HeliographProcess.run(["backup", "--database", directory.path + "/nope.sqlite", "--to", directory.path + "/b2.sqlite"])
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("no database at"), "\(missing.stderr)")
            #expect(!FileManager.default.fileExists(atPath: directory.path + "/b2.sqlite"))

            daemon.process.signal(SIGTERM)
            #expect(try await daemon.process.exitStatus() == 0, "\(daemon.process.stderr)")
            return countAtBackup
        }
        simulator.signal(SIGTERM)
        _ = try await simulator.exitStatus()

        // Restore as the README says: replace the file (and drop -wal/-shm); the daemon's store opens it.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        try FileManager.default.copyItem(atPath: backup, toPath: database)
        let restored = try SQLiteStore(configuration: .init(path: database))
        #expect(try await restored.points(series, from: past, to: .distantFuture).count == countAtBackup)
        #expect(try await restored.devices().map(\.descriptor.id) == ["inverter"])
    }
}
