import Foundation
import GRDB
import HeliographCore
import HeliographStorageBase

extension SQLiteStore {
    /// What `backupFile(at:to:)` copied.
    public struct BackupReport: Sendable, Hashable {
        public var destination: String
        public var bytes: Int
        /// Samples' series in the copy, a quick sign it is the right database.
        public var series: Int
    }

    /// Copies the database file at `source` into a new file at `destination` with SQLite's online
    /// backup, while another process (the running daemon) keeps writing: the copy is one consistent
    /// snapshot, the writer is never blocked (WAL), and the copy is checked with `PRAGMA quick_check`
    /// before it is moved into place, so `destination` is either a whole, sound backup or absent.
    ///
    /// - Throws: `HeliographError` `.storageFailure` when the source is missing or not a Heliograph
    ///   database, the destination exists, or the copy fails its check.
    public static func backupFile(at source: String, to destination: String) throws -> BackupReport {
        let files = FileManager.default
        guard files.fileExists(atPath: source) else {
            throw HeliographError(.storageFailure, "no database at \(source) (check storage.path in the configuration)")
        }
        guard !files.fileExists(atPath: destination) else {
            throw HeliographError(.storageFailure, "\(destination) already exists; choose a new file name (backups never overwrite)")
        }
        let partial = destination + ".partial"
        try? files.removeItem(atPath: partial)
        do {
            var configuration = GRDB.Configuration()
            configuration.busyMode = .timeout(10)
            // Read-write so a WAL database opens even without an existing -shm; nothing is written.
            let database = try DatabaseQueue(path: source, configuration: configuration)
            defer { try? database.close() }
            guard try database.read({ try $0.tableExists("series") }) else {
                throw HeliographError(.storageFailure, "\(source) is not a Heliograph database (no series table)")
            }
            let copy = try DatabaseQueue(path: partial)
            try database.backup(to: copy)
            let (check, series) = try copy.writeWithoutTransaction { db in
                // A standalone file: no WAL beside it, so a plain copy of it is a backup too.
                try db.execute(sql: "PRAGMA journal_mode = DELETE")
                return (try String.fetchOne(db, sql: "PRAGMA quick_check") ?? "", try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM series") ?? 0)
            }
            try copy.close()
            guard check == "ok" else { throw HeliographError(.storageFailure, "the backup failed its integrity check: \(check)") }
            try files.moveItem(atPath: partial, toPath: destination)
            let bytes = ((try? files.attributesOfItem(atPath: destination))?[.size] as? Int) ?? 0
            return BackupReport(destination: destination, bytes: bytes, series: series)
        } catch {
            try? files.removeItem(atPath: partial)
            if let error = error as? HeliographError { throw error }
            throw HeliographError(.storageFailure, "backup of \(source) failed: \(describe(error))", underlying: error)
        }
    }
}
