import Foundation
import HeliographApp
import HeliographTesting
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import HeliographBenchmarks

/// The daemon's answer to resident memory that creeps up while live allocations stay flat (the
/// soak's finding): `malloc_trim(0)` at a steady interval.
@Suite(.serialized) struct MallocPolicyTests {
    /// Resident memory of this process in kB.
    private func resident() throws -> Int {
        try ProcessResources.parse(status: String(contentsOfFile: "/proc/self/status", encoding: .utf8)).residentKilobytes
    }

    @Test func trimmingGivesBackMemoryFreedBehindALiveChunk() throws {
        // 64 MB of small chunks, then one more that stays: freeing the others leaves a hole below
        // a live chunk, which glibc keeps resident (it only shrinks a heap from its top).
        let chunks = (0..<65_536).map { _ in malloc(1_024)! }
        for chunk in chunks { memset(chunk, 1, 1_024) }
        let pin = malloc(1_024)!
        defer { free(pin) }
        for chunk in chunks { free(chunk) }
        let freedButKept = try resident()
        _ = MallocPolicy.trimNow()
        let trimmed = try resident()
        // Other tests allocate meanwhile; most of 64 MB coming back stands out regardless.
        #expect(freedButKept - trimmed >= 32 << 10, "RSS \(freedButKept / 1_024) → \(trimmed / 1_024) MB")
    }

    @Test(.timeLimit(.minutes(1))) func theTrimmerTrimsAtItsIntervalUntilGracefulShutdown() async throws {
        let passes = Atomic<Int>(0)
        let trimmer = MallocTrimmer(interval: .milliseconds(10), logger: Logger(label: "malloc-trim")) {
            passes.add(1, ordering: .relaxed)
            return true
        }
        let group = ServiceGroup(services: [trimmer], gracefulShutdownSignals: [], logger: Logger(label: "malloc-trim"))
        let run = Task { try await group.run() }
        try await eventually(timeout: .seconds(20), "three trim passes") { passes.load(ordering: .relaxed) >= 3 }
        await group.triggerGracefulShutdown()
        try await run.value
        let afterShutdown = passes.load(ordering: .relaxed)
        try await Task.sleep(for: .milliseconds(100))
        #expect(passes.load(ordering: .relaxed) == afterShutdown)
    }
}
