import ArgumentParser
import HeliographApp
import HeliographLogging
import HeliographTransport

import class Foundation.ProcessInfo

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon: poll the configured devices and store what they report.",
        discussion: "Stops cleanly on SIGTERM or SIGINT (Ctrl-C), writing buffered samples first."
    )

    @Option(name: .shortAndLong, help: "Configuration file (YAML).")
    var config: String

    func run() async throws {
        ShutdownSignals.restore()
        try await CommandLine.reportingErrors {
            let configuration = try HeliographConfiguration.load(path: config)
            let logger = LoggingSetup.bootstrap(configuration.logging, secrets: configuration.secrets)
            logger.info("Starting heliograph", metadata: ["config.path": "\(config)", "devices": "\(configuration.devices.count)"])
            let web = WebFrontEnd.factory(configuration.http)
            // Last in the group: READY=1 goes out once everything before it has started.
            let notifier = SystemdNotifier(environment: ProcessInfo.processInfo.environment, logger: logger)
            let group = try await buildServices(configuration: configuration, logger: logger) { parts in try web(parts) + [notifier] }
            try await group.run()
            logger.info("Stopped")
        }
    }
}
