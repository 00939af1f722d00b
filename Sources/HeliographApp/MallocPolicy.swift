import CHeliographMalloc
import Logging
import ServiceLifecycle

/// How the daemon keeps glibc's allocator from holding on to memory the daemon no longer uses.
///
/// glibc gives each thread that finds an arena locked an arena of its own (up to 8 per core) and
/// returns freed memory to the system only from the top of a heap. Memory freed between live
/// chunks stays resident, so resident memory creeps up under a steady load although the live
/// allocations stay flat (README, "Soak: a simulated day under load", has the measurements).
public struct MallocPolicy: Sendable, Hashable {
    /// Cap on the number of arenas, set when the daemon is built (`mallopt(M_ARENA_MAX)`); nil: glibc's default.
    public var arenaMax: Int?
    /// How often free memory of every arena goes back to the system (`malloc_trim(0)`), in the
    /// daemon's time (simulated in the soak); nil: never.
    public var trimInterval: Duration?

    public init(arenaMax: Int? = nil, trimInterval: Duration? = nil) {
        self.arenaMax = arenaMax
        self.trimInterval = trimInterval
    }

    /// What `heliograph run` uses.
    public static let daemon = MallocPolicy(arenaMax: nil, trimInterval: .seconds(300))
    /// glibc as it comes: no cap, no trimming.
    public static let glibcDefaults = MallocPolicy()

    /// Applies the arena cap to this process (arenas that exist already stay) and returns the
    /// service that trims, if any.
    func apply(clock: DaemonClock, logger: Logger) -> MallocTrimmer? {
        if let arenaMax { _ = heliograph_malloc_set_arena_max(Int32(arenaMax)) }
        return trimInterval.map { MallocTrimmer(interval: clock.real($0), logger: logger) }
    }

    /// Gives free memory of every arena back to the system now (`malloc_trim(0)`); true when any
    /// was released. Does nothing where the allocator is not glibc's.
    public static func trimNow() -> Bool {
        heliograph_malloc_trim() != 0
    }
}

/// Gives free memory of every malloc arena back to the system at a steady interval, until
/// graceful shutdown. A pass takes each arena's lock briefly; with the daemon's few MB of heap it
/// takes well under a millisecond.
public struct MallocTrimmer: Service {
    /// Real time between two passes.
    public let interval: Duration
    let logger: Logger
    /// The pass itself (`malloc_trim(0)`); returns whether memory was released. Replaced in tests.
    let trim: @Sendable () -> Bool

    public init(interval: Duration, logger: Logger, trim: @escaping @Sendable () -> Bool = { MallocPolicy.trimNow() }) {
        self.interval = interval
        self.logger = logger
        self.trim = trim
    }

    public func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                let released = trim()
                logger.trace("malloc trim", metadata: ["released": "\(released)"])
            }
        }
    }
}
