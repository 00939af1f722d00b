import Foundation
import Synchronization

/// Notices an input that runs longer than a limit: a hang, or work out of all proportion to the input.
///
/// The runner marks the start of each input (one atomic store); a thread of its own checks every
/// few milliseconds. A hung input cannot be interrupted from inside the process, so the command
/// line reports it and exits; tests record it instead and look once the slow input has finished.
final class FuzzWatchdog: Sendable {
    /// What to do when an input has overrun; called on the watchdog thread with the input index and seconds so far.
    typealias Action = @Sendable (_ index: Int, _ seconds: Double) -> Void

    private let limitNanoseconds: UInt64
    private let action: Action
    /// Start of the running input in monotonic nanoseconds; 0 between inputs.
    private let startedAt = Atomic<UInt64>(0)
    private let index = Atomic<Int>(-1)
    private let state = Mutex<(stopped: Bool, reportedIndex: Int)>((false, -1))

    init(limitSeconds: Double, action: @escaping Action) {
        self.limitNanoseconds = UInt64(max(0.001, limitSeconds) * 1e9)
        self.action = action
        let thread = Thread { [self] in watch() }
        thread.name = "fuzz-watchdog"
        thread.start()
    }

    func begin(_ index: Int) {
        self.index.store(index, ordering: .relaxed)
        startedAt.store(monotonicNanoseconds(), ordering: .releasing)
    }

    func end() {
        startedAt.store(0, ordering: .releasing)
    }

    func stop() {
        state.withLock { $0.stopped = true }
    }

    private func watch() {
        let interval = min(0.05, Double(limitNanoseconds) / 4e9)
        while !state.withLock({ $0.stopped }) {
            Thread.sleep(forTimeInterval: interval)
            let start = startedAt.load(ordering: .acquiring)
            guard start != 0 else { continue }
            let now = monotonicNanoseconds()
            guard now > start, now - start > limitNanoseconds else { continue }
            let running = index.load(ordering: .relaxed)
            let isNew = state.withLock { state in
                guard state.reportedIndex != running else { return false }
                state.reportedIndex = running
                return true
            }
            if isNew { action(running, Double(now - start) / 1e9) }
        }
    }
}
