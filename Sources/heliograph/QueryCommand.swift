import ArgumentParser
import HeliographApp
import HeliographLogging
import HeliographTools

struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Send one PI30 query to an inverter and print the decoded answer.",
        discussion: """
            Example: heliograph query --device /dev/hidraw0 --hid QPIGS --json
            Commands that are not queries (not starting with Q) change the inverter: they are refused unless
            --allow-write is given, and then only setters the daemon's CommandGate offers, within its ranges.
            """
    )

    @Option(name: .long, help: "Device path: /dev/hidraw0, /dev/ttyUSB0 or a pty from `heliograph simulate`.")
    var device: String

    @Flag(name: .long, help: "Talk USB HID (8-byte reports). Default: on for /dev/hidraw* paths.")
    var hid = false

    @Option(name: .long, help: "Serial speed (ignored for HID).")
    var baud = 2400

    @Option(name: .long, help: "Seconds to wait for the answer.")
    var timeout = 5.0

    @Argument(help: "The query, e.g. QPIGS, QMOD, QPIRI, QID; sent in the case typed.")
    var query: String

    @Flag(
        name: .long,
        help: "Also send a setter (e.g. POP02, MCHGC0040), after the same allow-list and range checks as the daemon's CommandGate."
    )
    var allowWrite = false

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        try await CommandLine.reportingErrors {
            let request = PI30QueryRequest(
                path: device,
                hid: hid || device.hasPrefix("/dev/hidraw"),
                baud: baud,
                query: query,
                timeout: .milliseconds(Int64(timeout * 1_000)),
                allowWrite: allowWrite
            )
            let logger = LoggingSetup.bootstrap(.init(level: .warning))
            let answer = try await PI30Tools.query(request, logger: logger)
            print(json ? answer.json : answer.table)
        }
    }
}
