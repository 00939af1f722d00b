import ArgumentParser
import HeliographCore
import Logging
import ServiceLifecycle

import class Foundation.FileHandle
import struct Foundation.Data

/// `heliograph simulate pi30`: a Voltronic/PI30 inverter on a new pseudo-terminal.
struct SimulatePI30Command: AsyncParsableCommand {
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
        var logger = Logger(label: "heliograph.simulate")
        logger.logLevel = .warning
        let link = link
        let simulator = PI30SimulatorService(configuration: .init(symlinkPath: link), logger: logger) { path in
            announce("PI30 simulator serving on \(path)\(link.map { " (link: \($0))" } ?? "")")
            announce("Try: heliograph query --device \(link ?? path) QPIGS")
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [.init(service: simulator)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        do {
            try await group.run()
        } catch let error as HeliographError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
