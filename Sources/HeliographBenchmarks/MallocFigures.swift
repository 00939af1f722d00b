import CHeliographMalloc
import Foundation

/// What glibc's allocator holds in this process (`mallinfo2()` and the arena count of
/// `malloc_info()`), beside what the kernel says is resident. The two tell a leak from the
/// allocator: live allocations (`inUseBytes`) that grow with the work done are a leak; live
/// allocations that stay flat while resident memory grows are memory malloc keeps (free space in
/// arenas it has not given back, or fragmented between live chunks).
public struct MallocFigures: Sendable, Hashable, Codable {
    /// Bytes the arenas got from the system for their heaps (`arena`).
    public var arenaBytes: Int
    /// Bytes allocated and not freed (`uordblks`): the live allocations.
    public var inUseBytes: Int
    /// Free bytes held inside the arenas (`fordblks`).
    public var freeBytes: Int
    /// Bytes of large allocations mapped on their own (`hblkhd`), live too.
    public var mmappedBytes: Int
    /// Number of arenas (each thread that met a locked arena may have made one, up to 8 per core).
    public var arenas: Int
    /// Of the live allocations, what SQLite holds (`sqlite3_memory_used()`: page caches, prepared
    /// statements), which grows with the database up to each connection's `cache_size`; nil when
    /// SQLite is not loaded.
    public var sqliteBytes: Int?

    public init(arenaBytes: Int, inUseBytes: Int, freeBytes: Int, mmappedBytes: Int, arenas: Int, sqliteBytes: Int? = nil) {
        self.arenaBytes = arenaBytes
        self.inUseBytes = inUseBytes
        self.freeBytes = freeBytes
        self.mmappedBytes = mmappedBytes
        self.arenas = arenas
        self.sqliteBytes = sqliteBytes
    }

    /// Live allocations, in arenas and mapped on their own, in MB.
    public var liveMegabytes: Double { Double(inUseBytes + mmappedBytes) / 1_048_576 }
    public var freeMegabytes: Double { Double(freeBytes) / 1_048_576 }

    /// The figures now; nil where the allocator is not glibc's.
    public static func current() -> MallocFigures? {
        let figures = heliograph_malloc_figures_now()
        guard figures.available != 0 else { return nil }
        return MallocFigures(
            arenaBytes: Int(figures.arenaBytes), inUseBytes: Int(figures.inUseBytes), freeBytes: Int(figures.freeBytes),
            mmappedBytes: Int(figures.mmappedBytes), arenas: Int(figures.arenas), sqliteBytes: sqliteMemoryUsed()
        )
    }

    /// `sqlite3_memory_used()` of the SQLite the process loaded (GRDB's), looked up at run time so
    /// this module needs no SQLite of its own.
    static func sqliteMemoryUsed() -> Int? {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sqlite3_memory_used") else { return nil }
        let memoryUsed = unsafeBitCast(symbol, to: (@convention(c) () -> Int64).self)
        return Int(memoryUsed())
    }
}
