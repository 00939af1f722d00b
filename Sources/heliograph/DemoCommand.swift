import ArgumentParser
import HeliographApp
import HeliographLogging
import HeliographTools

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start simulated inverters, poll them and store the readings: Heliograph with no hardware.",
        discussion: """
            Runs until Ctrl-C (or --duration). Prints where the database is. Starts with 30 days of history \
            (sun for the site's latitude and season, seeded weather, a household's load, the battery between them).
            """
    )

    @Option(name: .long, help: "Where to keep the demo database (default: a new temporary directory).")
    var dataDirectory: String?

    @Option(name: .long, help: "How many simulated PI30 inverters.")
    var inverters = 1

    @Option(name: .long, help: "Seconds between polls.")
    var interval = 2.0

    @Option(name: .long, help: "Stop by itself after this many seconds.")
    var duration: Double?

    @Option(name: .long, help: "Port of the web dashboard (0 picks a free one).")
    var httpPort = 8080

    @Option(name: .long, help: "Address the web dashboard listens on (0.0.0.0 for the LAN).")
    var httpHost = "127.0.0.1"

    @Flag(name: .long, help: "Run without the web dashboard.")
    var noWeb = false

    @Option(name: .long, help: "Run the simulated sun, weather and household this many times faster than real time (60: a day in 24 minutes).")
    var speed = 1.0

    @Option(name: .long, help: "Days of history to write before the first poll (0: start empty).")
    var historyDays = 30

    func validate() throws {
        guard (1...16).contains(inverters) else { throw ValidationError("--inverters must be 1...16") }
        guard interval >= 0.1 else { throw ValidationError("--interval must be at least 0.1 s") }
        guard speed.isFinite, (0.1...100_000).contains(speed) else { throw ValidationError("--speed must be 0.1...100000") }
        guard (0...366).contains(historyDays) else { throw ValidationError("--history-days must be 0...366") }
    }

    func run() async throws {
        ShutdownSignals.restore()
        try await CommandLine.reportingErrors {
            let options = DemoOptions(
                dataDirectory: dataDirectory,
                inverters: inverters,
                interval: .milliseconds(Int64(interval * 1_000)),
                duration: duration.map { .milliseconds(Int64($0 * 1_000)) },
                frontEnds: noWeb ? nil : WebFrontEnd.demo(host: httpHost, port: httpPort) { say($0) },
                historyDays: historyDays,
                speed: speed
            )
            let logger = LoggingSetup.bootstrap(.init(level: .warning))
            try await Demo.run(options, logger: logger) { say($0) }
        }
    }
}
