import Foundation
import GRDB
import HeliographCore
import HeliographStorageBase
import Logging

extension SQLiteStore {
    /// Runs `PRAGMA quick_check` and throws `storageFailure` with what SQLite found when the file is
    /// damaged, so the daemon stops before it writes into a broken b-tree (which spreads the damage).
    ///
    /// quick_check reads every page once (the full `integrity_check` also cross-checks indexes and
    /// takes several times longer). It runs on a connection of its own that writes nothing; a file
    /// that does not exist yet has nothing to check.
    static func checkIntegrity(path: String, logger: Logger) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        let clock = ContinuousClock()
        let started = clock.now
        let findings: [String]
        do {
            var configuration = GRDB.Configuration()
            configuration.busyMode = .timeout(10)
            let connection = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? connection.close() }
            // At most 10 findings: enough to say what is wrong, bounded on a badly broken file.
            findings = try connection.read { try String.fetchAll($0, sql: "PRAGMA quick_check(10)") }
        } catch let error where isDamage(error) {
            throw damaged(path: path, findings: [describe(error)])
        }
        guard findings == ["ok"] else { throw damaged(path: path, findings: findings) }
        let elapsed = clock.now - started
        logger.debug("history database passed its integrity check", metadata: ["storage.path": "\(path)", "storage.check_ms": "\(elapsed.milliseconds)"])
    }

    /// True for SQLite's "database disk image is malformed" and "file is not a database".
    static func isDamage(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        return [ResultCode.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode.primaryResultCode)
    }

    /// The refusal: which file, what SQLite said, what to do.
    static func damaged(path: String, findings: [String]) -> HeliographError {
        HeliographError(
            .storageFailure,
            """
            the history database \(path) is damaged; SQLite's quick_check says: \(findings.prefix(3).joined(separator: "; ")). \
            Heliograph will not write into it. Keep the file for analysis and restore the newest backup \
            (README, "Backup and restore of the SQLite database"): stop heliograph, replace \(path) with the backup, \
            delete \(path)-wal and \(path)-shm, start heliograph. Without a backup, `sqlite3 \(path) .recover | sqlite3 recovered.sqlite` \
            salvages what is readable
            """
        )
    }
}
