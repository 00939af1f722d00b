import Foundation
import Synchronization

/// Runs targets input by input, watching for hangs and memory growth, and reports progress.
public struct FuzzRunner: Sendable {
    public struct Options: Sendable {
        /// Run seed; with the target name and input index it fixes every input.
        public var seed: UInt64 = 1
        /// First input index (replay input K with `start: K, inputs: 1`).
        public var start = 0
        public var inputs = 100_000
        /// Stops a target early after this long; nil runs all inputs.
        public var maximumSeconds: Double?
        /// One input running longer than this is a hang.
        public var hangSeconds = 2.0
        /// Peak resident memory allowed while a target runs.
        public var maximumRSSBytes = 512 << 20
        /// Writes each input to this file before running it, so a crash leaves the input behind.
        public var recordPath: String?
        /// Seconds between progress lines.
        public var progressInterval = 10.0
        /// Receives progress lines (stderr on the command line); nil is quiet.
        public var progress: (@Sendable (String) -> Void)?
        /// What a hang does: the command line prints and exits, tests record.
        public var hangAction: HangAction = .record

        public init() {}
    }

    public enum HangAction: Sendable {
        /// Record the finding once the input returns (tests; an input that never returns blocks).
        case record
        /// Print the replay line and exit the process with `status` (the command line).
        case exit(status: Int32)
    }

    public var options: Options

    public init(options: Options) {
        self.options = options
    }

    /// How many inputs between memory and clock checks: reading /proc costs microseconds.
    private static let checkEvery = 4_096

    public func run(_ target: FuzzTarget) -> FuzzReport {
        let options = options
        FuzzCrashReporter.install()
        FuzzCrashReporter.arm(target: target.name, seed: options.seed)
        let hangs = HangLog()
        let replay = "heliograph fuzz \(target.name) --seed \(options.seed) --inputs 1 --start"
        let watchdog = FuzzWatchdog(limitSeconds: options.hangSeconds) { index, seconds in
            let detail = "one input ran \(String(format: "%.2f", seconds)) s (limit \(options.hangSeconds) s); replay with: \(replay) \(index)"
            switch options.hangAction {
            case .record:
                hangs.findings.withLock { $0.append(.init(kind: .hang, index: index, detail: detail)) }
            case .exit(let status):
                FileHandle.standardError.write(Data("\nheliograph fuzz: HANG in target \(target.name): \(detail)\n".utf8))
                Foundation.exit(status)
            }
        }
        defer { watchdog.stop() }

        ProcessMemory.resetPeak()
        let began = monotonicNanoseconds()
        var lastProgress = began
        var findings: [FuzzReport.Finding] = []
        var accepted = 0
        var done = 0
        let end = options.start + options.inputs
        var index = options.start
        while index < end {
            let (bytes, random) = target.input(seed: options.seed, index: index)
            var generator = random
            if let path = options.recordPath {
                _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
            }
            FuzzCrashReporter.currentIndex.store(index, ordering: .relaxed)
            watchdog.begin(index)
            if target.body(bytes, &generator) { accepted += 1 }
            watchdog.end()
            done += 1
            index += 1

            let recordedHangs = hangs.findings.withLock { $0 }
            if !recordedHangs.isEmpty {
                findings += recordedHangs
                break
            }
            // The clock is cheap enough to read often; /proc below is read every `checkEvery` inputs.
            if done % 64 == 0, let limit = options.maximumSeconds, Double(monotonicNanoseconds() - began) / 1e9 >= limit { break }
            if done % Self.checkEvery == 0 || index == end {
                if let peak = ProcessMemory.peakResidentBytes(), peak > options.maximumRSSBytes {
                    findings.append(
                        .init(
                            kind: .memory, index: index - 1,
                            detail: "peak RSS \(peak >> 20) MB over the bound of \(options.maximumRSSBytes >> 20) MB, reached by an input in \(max(options.start, index - Self.checkEvery))..<\(index); replay that range with --record"
                        ))
                    break
                }
                let now = monotonicNanoseconds()
                if let limit = options.maximumSeconds, Double(now - began) / 1e9 >= limit { break }
                if let progress = options.progress, Double(now - lastProgress) / 1e9 >= options.progressInterval {
                    lastProgress = now
                    let rate = Double(done) / (Double(now - began) / 1e9)
                    progress("fuzz \(target.name): \(done) inputs, next index \(index), \(Int(rate))/s, seed \(options.seed)")
                }
            }
        }
        FuzzCrashReporter.currentIndex.store(-1, ordering: .relaxed)
        return FuzzReport(
            target: target.name, seed: options.seed, start: options.start, inputs: done, accepted: accepted,
            seconds: Double(monotonicNanoseconds() - began) / 1e9, peakRSSBytes: ProcessMemory.peakResidentBytes(), findings: findings
        )
    }
}

/// Hangs the watchdog thread recorded, read by the runner between inputs.
private final class HangLog: Sendable {
    let findings = Mutex<[FuzzReport.Finding]>([])
}
