import ArgumentParser
import HeliographApp
import HeliographTools
import HeliographCore

/// `heliograph backup --to FILE`: an online, consistent copy of the SQLite history.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the history database into a new file, safely while the daemon runs.",
        discussion: """
            Uses SQLite's online backup: one consistent snapshot, the daemon keeps writing. The copy is \\
            integrity-checked and only then appears at --to. Restore: stop the daemon, replace the database \\
            file with the backup (and delete its -wal and -shm files), start the daemon.
            """
    )

    @Option(help: "Where to write the backup; must not exist yet.")
    var to: String

    @Option(name: .shortAndLong, help: "Configuration file whose storage.path names the database.")
    var config: String?

    @Option(help: "The database file, instead of --config.")
    var database: String?

    func validate() throws {
        guard (config == nil) != (database == nil) else { throw ValidationError("give either --config FILE or --database FILE") }
    }

    func run() async throws {
        try await CommandLine.reportingErrors {
            let source = try database ?? HeliographConfiguration.load(path: config ?? "").storage.path
            let report = try HeliographBackup.backup(database: source, to: to)
            say("Backed up \(source) to \(report.destination): \(report.bytes) bytes, \(report.series) series, integrity ok")
        }
    }
}
