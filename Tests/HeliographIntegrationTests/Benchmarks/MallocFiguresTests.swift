import Foundation
import Testing

@testable import HeliographBenchmarks

/// glibc's figures as the soak reads them: live allocations show up while held and go when freed.
@Suite struct MallocFiguresTests {
    @Test func liveAllocationsAreSeenWhileHeldAndGoneWhenFreed() throws {
        let before = try #require(MallocFigures.current(), "glibc's allocator figures (this test runs on Linux)")
        #expect(before.arenas >= 1)
        // 32 MB in 1 KiB chunks, below the mmap threshold: they land in an arena's heap.
        let chunks = (0..<32_768).map { _ in malloc(1_024) }
        let held = try #require(MallocFigures.current())
        for chunk in chunks { free(chunk) }
        let after = try #require(MallocFigures.current())

        // Other tests allocate meanwhile; 32 MB of ours stand out regardless.
        let live = { (figures: MallocFigures) in figures.inUseBytes + figures.mmappedBytes }
        #expect(live(held) - live(before) >= 24 << 20, "in use \(before.inUseBytes) → \(held.inUseBytes)")
        #expect(live(held) - live(after) >= 24 << 20, "in use \(held.inUseBytes) → \(after.inUseBytes)")
        #expect(held.arenaBytes >= held.inUseBytes)
    }

    @Test func theSoaksMeasurementsCarryThem() throws {
        let resources = try ProcessResources.current()
        let malloc = try #require(resources.malloc)
        #expect(malloc.inUseBytes > 0)
        #expect(malloc.arenaBytes >= malloc.inUseBytes)
    }
}
