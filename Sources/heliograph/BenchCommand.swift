import ArgumentParser
import Foundation
import HeliographApp
import HeliographBenchmarks

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed and size. Build with -c release for figures worth quoting.",
        discussion: """
            Example: swift run -c release heliograph bench all
            'soak' is not part of 'all': it runs the whole daemon for a simulated day (minutes of real time) and \
            exits 1 when memory, file descriptors or threads grow: heliograph bench soak --simulated-hours 24 --devices 3
            """
    )

    @Argument(help: "What to measure: \(Benchmarks.suites.joined(separator: ", ")), all, or soak.")
    var suite = "all"

    @Option(name: .long, help: "Scale the number of iterations (1 = default).")
    var scale = 1.0

    @Flag(name: .long, help: "Print JSON lines instead of text.")
    var json = false

    @Option(name: .long, help: "PostgreSQL for 'ingest' (postgres://user:password@host:5432/db); default $HELIOGRAPH_BENCH_POSTGRES_URL. A schema of its own is created and dropped.")
    var postgresURL: String?

    @Option(name: .long, help: "soak: hours of simulated time.")
    var simulatedHours = SoakBenchmark.Options().simulatedHours

    @Option(name: .long, help: "soak: simulated devices (PI30 inverters on ptys, every third a Hoymiles DTU on TCP).")
    var devices = SoakBenchmark.Options().devices

    @Option(name: .long, help: "soak: simulated seconds per real second (polls every 10 s of simulated time).")
    var speed = SoakBenchmark.Options().speed

    @Flag(name: .long, help: "soak: run the web and MQTT clients in the measured process instead of a child process of their own.")
    var inProcessLoad = false

    @Option(name: .long, help: "soak: cap on the daemon's malloc arenas (0: glibc's default, 8 per core). Default: the daemon's.")
    var mallocArenaMax: Int?

    @Option(name: .long, help: "soak: simulated minutes between the daemon's malloc_trim passes (0: none). Default: the daemon's.")
    var mallocTrimMinutes: Double?

    @Option(name: .long, help: .hidden)
    var loadPlan: String?

    func validate() throws {
        if suite == "soak-load" {
            // The soak's own child process (see SoakLoadProcess), not a benchmark to run by hand.
            guard loadPlan != nil else { throw ValidationError("soak-load is started by 'bench soak' and needs --load-plan") }
            return
        }
        guard suite == "all" || suite == "soak" || Benchmarks.suites.contains(suite) else {
            throw ValidationError("unknown benchmark '\(suite)'; one of \(Benchmarks.suites.joined(separator: ", ")), all, soak")
        }
    }

    func run() async throws {
        try await CommandLine.reportingErrors {
            if suite == "soak" { return try await soak() }
            if suite == "soak-load", let loadPlan { return try await soakLoad(loadPlan) }
            let names = suite == "all" ? Benchmarks.suites : [suite]
            for name in names {
                let postgres = postgresURL ?? ProcessInfo.processInfo.environment["HELIOGRAPH_BENCH_POSTGRES_URL"]
                for measurement in try await Benchmarks.run(name, scale: scale, postgresURL: postgres) {
                    print(json ? Benchmarks.json(measurement) : measurement.description)
                }
            }
        }
    }

    /// Runs the soak, prints its table (or JSON lines) and fails when it saw growth.
    private func soak() async throws {
        // The clients run in a child process of this same binary, so the measurements see the daemon alone.
        let executable = inProcessLoad ? nil : Bundle.main.executablePath
        var malloc = MallocPolicy.daemon
        if let mallocArenaMax { malloc.arenaMax = mallocArenaMax > 0 ? mallocArenaMax : nil }
        if let mallocTrimMinutes { malloc.trimInterval = mallocTrimMinutes > 0 ? .seconds(mallocTrimMinutes * 60) : nil }
        let options = SoakBenchmark.Options(simulatedHours: simulatedHours, devices: devices, speed: speed, loadExecutable: executable, malloc: malloc)
        if !json {
            say("soak: \(options.simulatedHours) simulated hours, \(options.devices) devices, speed \(options.speed)×, about \(Int(options.simulatedHours * 3_600 / options.speed)) s")
        }
        let result = try await SoakBenchmark.run(options) { measurement in
            // Progress on standard error, so the table on standard output stays clean.
            guard !json, Int((measurement.progress * Double(options.measurements)).rounded()) % 8 == 0 else { return }
            printError(
                String(
                    format: "  %5.1f h: RSS %.1f MB, %d fds, %d threads, %d polls", measurement.simulatedHours, measurement.resources.residentMegabytes,
                    measurement.resources.openFiles, measurement.resources.threads, measurement.polls
                )
            )
        }
        if json {
            result.jsonLines().forEach { say($0) }
        } else {
            say(result.text())
        }
        if !result.verdict.isFlat { throw ExitCode.failure }
    }

    /// The soak's clients in a process of their own, until standard input ends.
    private func soakLoad(_ json: String) async throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        let plan = try decoder.decode(SoakLoadPlan.self, from: Data(json.utf8))
        await SoakBenchmark.runLoadProcess(plan, logger: SoakBenchmark.quietLogger) { say($0) }
    }
}
