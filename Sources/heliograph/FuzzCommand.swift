import ArgumentParser
import Foundation
import HeliographFuzzing

struct FuzzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz",
        abstract: "Feed every decoder of outside bytes mutated and random input; report crashes, hangs and memory growth.",
        discussion: """
            Inputs are fixed by the seed, the target and the input index, so a failure replays with
            --seed S --start K --inputs 1. A crash prints that line as the process dies; a hang exits
            with status 3 naming the input; memory over --max-rss-mb fails the target. Build with
            -c release for long runs. Example: heliograph fuzz all --inputs 10000000 --seed 1
            """
    )

    @Argument(help: "Target: \(FuzzTargets.all.map(\.name).joined(separator: ", ")), or all.")
    var target = "all"

    @Option(name: .long, help: "Inputs per target.")
    var inputs = 100_000

    @Option(name: .long, help: "Run seed (default: random, printed).")
    var seed: UInt64?

    @Option(name: .long, help: "First input index; with --inputs 1 replays one input.")
    var start = 0

    @Option(name: .long, help: "Stop each target after this many seconds.")
    var maxSeconds: Double?

    @Option(name: .long, help: "An input running longer than this many seconds is a hang.")
    var hangSeconds = 2.0

    @Option(name: .long, help: "Peak resident memory allowed per target, in MB.")
    var maxRssMb = 512

    @Option(name: .long, help: "Seconds between progress lines on stderr.")
    var progressSeconds = 10.0

    @Option(name: .long, help: "Write each input to this file before running it, so a crash leaves it behind (slow).")
    var record: String?

    @Flag(name: .long, help: "Print one JSON object per target instead of text.")
    var json = false

    @Flag(name: .long, help: "List the targets and exit.")
    var list = false

    func validate() throws {
        guard target == "all" || FuzzTargets.named(target) != nil else {
            throw ValidationError("unknown fuzz target '\(target)'; one of \(FuzzTargets.all.map(\.name).joined(separator: ", ")), all")
        }
        guard inputs > 0, start >= 0 else { throw ValidationError("--inputs must be positive and --start not negative") }
    }

    func run() throws {
        if list {
            for target in FuzzTargets.all { say("\(target.name): \(target.summary)") }
            return
        }
        var options = FuzzRunner.Options()
        options.seed = seed ?? UInt64.random(in: 1...UInt64(UInt32.max))
        options.start = start
        options.inputs = inputs
        options.maximumSeconds = maxSeconds
        options.hangSeconds = hangSeconds
        options.maximumRSSBytes = maxRssMb << 20
        options.recordPath = record
        options.progress = { printError($0) }
        options.progressInterval = progressSeconds
        options.hangAction = .exit(status: 3)
        let runner = FuzzRunner(options: options)
        var failed = false
        let chosen = target == "all" ? FuzzTargets.all : FuzzTargets.named(target).map { [$0] } ?? []
        for fuzzTarget in chosen {
            printError("fuzz \(fuzzTarget.name): \(inputs) inputs from index \(start), seed \(options.seed)")
            let report = runner.run(fuzzTarget)
            failed = failed || !report.passed
            say(json ? Self.json(report) : Self.text(report))
        }
        if failed { throw ExitCode.failure }
    }

    static func text(_ report: FuzzReport) -> String {
        let accepted = report.inputs > 0 ? Double(report.accepted) * 100 / Double(report.inputs) : 0
        let rss = report.peakRSSBytes.map { "\($0 >> 20) MB" } ?? "unknown"
        let load = LoadAverage.oneMinute().map { String(format: "%.2f", $0) } ?? "unknown"
        var line = "\(report.target): \(report.inputs) inputs in \(String(format: "%.1f", report.seconds)) s"
        line += " (\(Int(report.inputsPerSecond))/s), \(String(format: "%.1f", accepted))% accepted, peak RSS \(rss), load \(load), seed \(report.seed)"
        line += report.passed ? ": ok" : ": FAILED\n" + report.findings.map { "  - \($0)" }.joined(separator: "\n")
        return line
    }

    static func json(_ report: FuzzReport) -> String {
        struct Line: Encodable {
            var report: FuzzReport
            var loadAverage: Double?
            enum CodingKeys: String, CodingKey { case report, loadAverage = "load_average" }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = (try? encoder.encode(Line(report: report, loadAverage: LoadAverage.oneMinute()))) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
