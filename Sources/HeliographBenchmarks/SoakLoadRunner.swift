import Foundation
import HeliographCore
import HeliographProcesses
import Logging
import Synchronization

/// The soak's clients while they run: in the soak's own process, or in a child process so that the
/// soak's measurements see the daemon alone.
protocol SoakLoadRunner: Sendable {
    /// What the clients counted so far.
    /// - Throws: when the clients are gone (their process exited before it was told to stop).
    func counts() throws -> SoakLoadCounts
    /// Stops the clients, waits for them, and returns their final counts.
    func stop() async throws -> SoakLoadCounts
    /// Resident memory of the process the clients run in, when it is not the soak's own (kB).
    var separateResidentKilobytes: Int? { get }
}

/// The clients as tasks of the soak's process: their memory and threads count with the daemon's.
final class InProcessSoakLoad: SoakLoadRunner {
    private let counters: SoakCounters
    private let task: Task<Void, Never>

    init(_ plan: SoakLoadPlan, logger: Logger) {
        let counters = SoakCounters()
        self.counters = counters
        task = Task { await SoakLoad.run(plan, counters: counters, logger: logger) }
    }

    func counts() -> SoakLoadCounts { counters.snapshot }

    func stop() async -> SoakLoadCounts {
        task.cancel()
        await task.value
        return counters.snapshot
    }

    var separateResidentKilobytes: Int? { nil }
}

/// The clients in a child process, `heliograph bench soak-load --load-plan JSON`: it prints its
/// counts as a JSON line every 200 ms and once more when it stops, which it does when its standard
/// input closes (so it also goes when the soak dies).
final class SoakLoadProcess: SoakLoadRunner {
    private let child: ChildProcess
    private let latest: LatestCounts
    private let reader: Task<Void, Never>

    /// The last counts the child reported, shared with the task that reads its output.
    private final class LatestCounts: Sendable {
        let counts = Mutex(SoakLoadCounts())
    }

    /// Starts `executable` (a `heliograph` binary) with the plan.
    init(executable: String, plan: SoakLoadPlan) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        let json = String(decoding: try encoder.encode(plan), as: UTF8.self)
        let child = try ChildProcess(executable, ["bench", "soak-load", "--load-plan", json], input: .pipe)
        let latest = LatestCounts()
        self.child = child
        self.latest = latest
        reader = Task {
            for await line in child.lines {
                if let counts = try? JSONDecoder().decode(SoakLoadCounts.self, from: Data(line.utf8)) {
                    latest.counts.withLock { $0 = counts }
                }
            }
        }
    }

    func counts() throws -> SoakLoadCounts {
        guard child.isRunning else {
            throw HeliographError(.connectionFailed, "the soak's load process exited early (status \(child.status ?? -1)): \(child.stderr.suffix(2_000))")
        }
        return latest.counts.withLock { $0 }
    }

    func stop() async throws -> SoakLoadCounts {
        child.closeInput()
        let status = try await child.exitStatus(timeout: .seconds(30))
        await reader.value
        guard status == 0 else {
            throw HeliographError(.connectionFailed, "the soak's load process failed (status \(status)): \(child.stderr.suffix(2_000))")
        }
        return latest.counts.withLock { $0 }
    }

    var separateResidentKilobytes: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(child.processIdentifier)/status", encoding: .utf8) else { return nil }
        return try? ProcessResources.parse(status: status).residentKilobytes
    }
}

extension SoakBenchmark {
    /// The load process's side (`heliograph bench soak-load`): runs the plan's clients until
    /// standard input ends, writing the counts with `say` as JSON lines every 200 ms and at the end.
    public static func runLoadProcess(_ plan: SoakLoadPlan, logger: Logger, say: @escaping @Sendable (String) -> Void) async {
        let counters = SoakCounters()
        let report: @Sendable () -> Void = {
            if let line = try? JSONEncoder().encode(counters.snapshot) { say(String(decoding: line, as: UTF8.self)) }
        }
        let load = Task { await SoakLoad.run(plan, counters: counters, logger: logger) }
        let reporter = Task {
            while !Task.isCancelled {
                report()
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        await endOfStandardInput()
        load.cancel()
        await load.value
        reporter.cancel()
        await reporter.value
        report()
    }

    /// Returns once standard input reaches its end (the soak closed it, or died).
    private static func endOfStandardInput() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            // A blocking read on a thread of its own: the concurrency pool's threads must not block.
            // read(2) on descriptor 0, not readLine: that holds the lock of C's stdin while it
            // waits, and `say` flushes every C stream (fflush(NULL)), so each report would wait too.
            Thread.detachNewThread {
                var buffer = [UInt8](repeating: 0, count: 256)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
                    if count == 0 || (count < 0 && errno != EINTR) { break }
                }
                done.resume()
            }
        }
    }
}
