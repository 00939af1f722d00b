import Foundation
import HeliographCore
import HeliographStorageBase

extension SQLiteStore {
    /// Where the database lives and how long each tier of history is kept.
    public struct Configuration: Sendable {
        /// Where the database file is.
        public enum Location: Sendable, Hashable {
            /// A file; its directory is created when missing. WAL mode adds `-wal` and `-shm` files beside it.
            case file(String)
            /// A private in-memory database, for tests and benchmarks; gone when the store closes.
            case inMemory
        }

        /// How long each tier is kept, in days; 0 keeps it forever (the same for both stores).
        public typealias Retention = StoreRetention

        public var location: Location
        public var retention: Retention
        /// Width of the windows compacted into one chunk per series; a window is compacted once it ended
        /// `compactionDelay` ago.
        public var chunkSpan: Duration
        /// Most points per chunk; a busier window becomes several chunks so a chunk fits a database page.
        public var maximumPointsPerChunk: Int
        /// How long after a window closes it is compacted, leaving room for late points.
        public var compactionDelay: Duration
        /// How often the maintenance job (compaction, retention) runs while the store is a running service.
        public var maintenanceInterval: Duration
        /// The site's time zone: daily energy is summed per local calendar day in it.
        public var timeZone: TimeZone
        /// Energy rules for `dailyEnergy`.
        public var energy: EnergyRules
        /// Run `PRAGMA quick_check` when a file is opened and refuse a damaged one (about 1 s per
        /// 100 MB on an SSD; see the README). Off only for tools that open the file repeatedly.
        public var checkIntegrityOnOpen: Bool
        /// The time of day for retention cutoffs, maintenance passes and device registration. The wall
        /// clock, except in the soak benchmark, whose simulated day runs many times faster.
        public var now: @Sendable () -> Date

        public init(
            location: Location,
            retention: Retention = Retention(),
            chunkSpan: Duration = .seconds(3_600),
            maximumPointsPerChunk: Int = 1_800,
            compactionDelay: Duration = .seconds(300),
            maintenanceInterval: Duration = .seconds(300),
            timeZone: TimeZone = .current,
            energy: EnergyRules = EnergyRules(),
            checkIntegrityOnOpen: Bool = true,
            now: @escaping @Sendable () -> Date = { Date() }
        ) {
            self.location = location
            self.retention = retention
            self.chunkSpan = chunkSpan
            self.maximumPointsPerChunk = maximumPointsPerChunk
            self.compactionDelay = compactionDelay
            self.maintenanceInterval = maintenanceInterval
            self.timeZone = timeZone
            self.energy = energy
            self.checkIntegrityOnOpen = checkIntegrityOnOpen
            self.now = now
        }

        /// A file database at `path` with default settings.
        public init(path: String) {
            self.init(location: .file(path))
        }

        /// Checks the values make sense; throws `invalidConfiguration` otherwise.
        public func validate() throws(HeliographError) {
            try retention.validate()
            guard chunkSpan >= .seconds(60), chunkSpan.milliseconds % 60_000 == 0 else {
                throw HeliographError(.invalidConfiguration, "storage chunk span must be a whole number of minutes")
            }
            guard maximumPointsPerChunk >= 2 else {
                throw HeliographError(.invalidConfiguration, "storage maximum points per chunk must be at least 2")
            }
            guard compactionDelay >= .zero, maintenanceInterval > .zero else {
                throw HeliographError(.invalidConfiguration, "storage compaction delay and maintenance interval must be positive")
            }
            if case .file(let path) = location, path.isEmpty {
                throw HeliographError(.invalidConfiguration, "storage path is empty")
            }
        }
    }
}
