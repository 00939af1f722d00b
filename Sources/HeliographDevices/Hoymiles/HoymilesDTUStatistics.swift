import HeliographCore
import Metrics
import Synchronization

/// Queries, errors and query time of one DTU: kept for /stats and reported to swift-metrics
/// (`heliograph.hoymiles.queries`, `heliograph.hoymiles.errors`, `heliograph.hoymiles.query.duration`,
/// dimension `device`).
public final class HoymilesDTUStatistics: Sendable {
    /// A snapshot of the counters.
    public struct Snapshot: Sendable, Hashable, Codable {
        public var polls = 0
        public var failedPolls = 0
        public var queries = 0
        public var errors = 0
        public var totalQuerySeconds = 0.0
        public var lastQuerySeconds: Double?
        public var lastPollSeconds: Double?
        public var inverters = 0
        public var ports = 0

        public var meanQuerySeconds: Double? { queries > 0 ? totalQuerySeconds / Double(queries) : nil }
    }

    private let state = Mutex(Snapshot())
    private let queriesCounter: Counter
    private let errorsCounter: Counter
    private let queryTimer: Metrics.Timer

    public init(device: DeviceID) {
        let dimensions = [("device", device.rawValue)]
        queriesCounter = Counter(label: "heliograph.hoymiles.queries", dimensions: dimensions)
        errorsCounter = Counter(label: "heliograph.hoymiles.errors", dimensions: dimensions)
        queryTimer = Metrics.Timer(label: "heliograph.hoymiles.query.duration", dimensions: dimensions)
    }

    public var snapshot: Snapshot { state.withLock { $0 } }

    func recordQuery(duration: Duration, failed: Bool) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        state.withLock { snapshot in
            snapshot.queries += 1
            if failed { snapshot.errors += 1 }
            snapshot.totalQuerySeconds += seconds
            snapshot.lastQuerySeconds = seconds
        }
        queriesCounter.increment()
        if failed { errorsCounter.increment() }
        queryTimer.recordNanoseconds(Int64(seconds * 1e9))
    }

    func recordPoll(duration: Duration, failed: Bool, inverters: Int, ports: Int) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        state.withLock { snapshot in
            snapshot.polls += 1
            if failed {
                snapshot.failedPolls += 1
            } else {
                snapshot.inverters = inverters
                snapshot.ports = ports
            }
            snapshot.lastPollSeconds = seconds
        }
    }
}
