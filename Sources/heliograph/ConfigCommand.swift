import ArgumentParser
import HeliographApp

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Work with configuration files.",
        subcommands: [Check.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a configuration file and print every problem with its key and line.",
            discussion: "Exits 0 when the file is fine, 1 when it has problems. Environment overrides (HELIOGRAPH_...) apply."
        )

        @Argument(help: "Configuration file (YAML).")
        var file: String

        func run() async throws {
            let problems = HeliographConfiguration.check(path: file)
            if problems.isEmpty {
                let configuration = try? HeliographConfiguration.load(path: file)
                print("\(file): OK (\(configuration?.devices.count ?? 0) devices)")
                // Where each secret was found, so a missing credential shows before the daemon starts; never values.
                for (key, source) in (configuration?.secretSources ?? [:]).sorted(by: { $0.key < $1.key }) {
                    print("  secret \(key): from \(source)")
                }
                return
            }
            printError("\(file): \(problems.count) problem\(problems.count == 1 ? "" : "s")")
            for problem in problems { printError("  - \(problem)") }
            throw ExitCode.failure
        }
    }
}
