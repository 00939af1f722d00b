import ArgumentParser
import HeliographApp

/// `heliograph`: monitor and control solar inverters. Subcommands are thin: they parse, then call HeliographApp.
@main
struct Heliograph: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heliograph",
        abstract: "Monitor and safely control home solar inverters and batteries.",
        version: Observability.version,
        // Add a subcommand by adding its type here.
        subcommands: [
            RunCommand.self,
            DemoCommand.self,
            QueryCommand.self,
            SimulateCommand.self,
            BenchCommand.self,
            ConfigCommand.self,
            ScanCommand.self,
            BackupCommand.self,
            FuzzCommand.self,
        ],
        defaultSubcommand: nil
    )
}
