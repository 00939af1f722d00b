import Foundation
import Testing

@testable import HeliographBenchmarks

/// glibc's figures as the soak reads them: live allocations show up while held and go when freed.
@Suite struct MallocFiguresTests {
    @Test func liveAllocationsAreSeenWhileHeldAndGoneWhenFreed() throws {
        let first = try #require(MallocFigures.current(), "glibc's allocator figures (this test runs on Linux)")
        #expect(first.arenas >= 1)
        // The figures are the whole process's, and other tests allocate and free tens of MB meanwhile,
        // so one attempt can be masked by them. Figures that did not follow allocations at all (the
        // wrong arena, the wrong field) would miss ours in every attempt; noise misses it in few.
        var seen: [String] = []
        for _ in 0..<5 {
            let before = try #require(MallocFigures.current())
            // 32 MB in 1 KiB chunks, below the mmap threshold: they land in an arena's heap.
            let chunks = (0..<32_768).map { _ in malloc(1_024) }
            let held = try #require(MallocFigures.current())
            for chunk in chunks { free(chunk) }
            let after = try #require(MallocFigures.current())
            #expect(held.arenaBytes >= held.inUseBytes)
            let live = { (figures: MallocFigures) in figures.inUseBytes + figures.mmappedBytes }
            if live(held) - live(before) >= 24 << 20, live(held) - live(after) >= 24 << 20 { return }
            seen.append("\(live(before)) → \(live(held)) → \(live(after))")
        }
        Issue.record("32 MB held and freed were not seen in the live figures in 5 attempts: \(seen)")
    }

    @Test func theSoaksMeasurementsCarryThem() throws {
        let resources = try ProcessResources.current()
        let malloc = try #require(resources.malloc)
        #expect(malloc.inUseBytes > 0)
        #expect(malloc.arenaBytes >= malloc.inUseBytes)
    }
}
