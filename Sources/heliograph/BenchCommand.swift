import ArgumentParser
import Foundation
import HeliographApp

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed and size. Build with -c release for figures worth quoting.",
        discussion: "Example: swift run -c release heliograph bench all"
    )

    @Argument(help: "What to measure: \(Benchmarks.suites.joined(separator: ", ")), or all.")
    var suite = "all"

    @Option(name: .long, help: "Scale the number of iterations (1 = default).")
    var scale = 1.0

    @Flag(name: .long, help: "Print JSON lines instead of text.")
    var json = false

    @Option(name: .long, help: "PostgreSQL for 'ingest' (postgres://user:password@host:5432/db); default $HELIOGRAPH_BENCH_POSTGRES_URL. A schema of its own is created and dropped.")
    var postgresURL: String?

    func validate() throws {
        guard suite == "all" || Benchmarks.suites.contains(suite) else {
            throw ValidationError("unknown benchmark '\(suite)'; one of \(Benchmarks.suites.joined(separator: ", ")), all")
        }
    }

    func run() async throws {
        try await CommandLine.reportingErrors {
            let names = suite == "all" ? Benchmarks.suites : [suite]
            for name in names {
                let postgres = postgresURL ?? ProcessInfo.processInfo.environment["HELIOGRAPH_BENCH_POSTGRES_URL"]
                for measurement in try await Benchmarks.run(name, scale: scale, postgresURL: postgres) {
                    print(json ? Benchmarks.json(measurement) : measurement.description)
                }
            }
        }
    }
}
