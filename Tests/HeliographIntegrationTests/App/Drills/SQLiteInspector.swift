import Foundation
import HeliographTesting

/// Looks into a daemon's SQLite file with the `sqlite3` shell, an independent reader, while the
/// daemon is not running. The shell is told not to checkpoint on close, so the write-ahead log a
/// killed daemon left behind is still there for the daemon's own recovery on its next start.
struct SQLiteInspector {
    static let executable = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"].first { FileManager.default.isExecutableFile(atPath: $0) }
    /// Drills needing the shell run when it is installed, and always under CI (failing loudly if not).
    static let isUsable = executable != nil || ProcessInfo.processInfo.environment["CI"] == "true"

    let path: String

    /// Runs `sql`; the rows, one line each, columns separated by `|`.
    func query(_ sql: String) async throws -> [String] {
        guard let executable = Self.executable else {
            throw TestFailure("sqlite3 is not installed; run scripts/test-deps.d/drills.sh (apt-get install sqlite3)")
        }
        let result = try await ChildProcess.run(executable, ["-bail", "-cmd", ".dbconfig no_ckpt_on_close on", path, sql])
        let lines = result.output.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("   no_ckpt_on_close") && !$0.hasPrefix("no_ckpt_on_close") }
        guard result.status == 0 else { throw TestFailure("sqlite3 \(sql) failed (\(result.status)): \(result.output)") }
        return lines
    }

    /// `PRAGMA integrity_check`: ["ok"] for a sound database, the problems otherwise.
    func integrityCheck() async throws -> [String] {
        try await query("PRAGMA integrity_check")
    }

    /// Every point stored, raw head rows and compressed chunks together (compaction moves points
    /// from one to the other, so only the sum is stable).
    func pointCount() async throws -> Int {
        let rows = try await query("SELECT (SELECT count(*) FROM head) + (SELECT coalesce(sum(count), 0) FROM chunk)")
        return Int(rows.first ?? "") ?? 0
    }

    /// Sample times (ms) stored per device from `since` on: a sample counts once it has any numeric
    /// point in the head table. Recent samples are always in the head (compaction only takes
    /// windows that closed minutes ago).
    func sampleTimes(since: Int64) async throws -> [String: [Int64]] {
        let rows = try await query("""
            SELECT DISTINCT s.device, h.time FROM head h JOIN series s ON s.id = h.series_id
            WHERE h.time >= \(since) ORDER BY s.device, h.time
            """)
        var result: [String: [Int64]] = [:]
        for row in rows {
            let columns = row.split(separator: "|")
            guard columns.count == 2, let time = Int64(columns[1]) else { continue }
            result[String(columns[0]), default: []].append(time)
        }
        return result
    }
}
