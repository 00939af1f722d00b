import HeliographSQLite

/// `heliograph backup`: the tool names the store; the CLI only parses.
public enum HeliographBackup {
    public struct Report: Sendable, Hashable {
        public var destination: String
        public var bytes: Int
        public var series: Int
    }

    /// An online backup of the SQLite database at `database` into the new file `destination`.
    public static func backup(database: String, to destination: String) throws -> Report {
        let report = try SQLiteStore.backupFile(at: database, to: destination)
        return Report(destination: report.destination, bytes: report.bytes, series: report.series)
    }
}
