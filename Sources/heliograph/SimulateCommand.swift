import ArgumentParser
import HeliographApp

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Play a device on a pseudo-terminal or port, for trying things without hardware.",
        subcommands: [PI30.self, SimulateDeyeCommand.self, SimulateHoymilesCommand.self, SimulatePowervaultCommand.self]
    )

    struct PI30: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pi30",
            abstract: "Simulate a Voltronic/PI30 inverter on a pty; prints its path and runs until Ctrl-C."
        )

        @Flag(name: .long, help: "Serve on a new pseudo-terminal (the only mode so far).")
        var pty = false

        @Option(name: .long, help: "Also create a symlink at this path pointing to the pty.")
        var link: String?

        func run() async throws {
            guard pty else {
                throw ValidationError("choose where to serve: --pty")
            }
            try await CommandLine.reportingErrors {
                let logger = LoggingSetup.bootstrap(.init(level: .warning))
                try await PI30Tools.simulate(link: link, logger: logger) { path in
                    say("PI30 simulator serving on \(path)\(link.map { " (link: \($0))" } ?? "")")
                    say("Try: heliograph query --device \(link ?? path) QPIGS")
                }
            }
        }
    }
}
