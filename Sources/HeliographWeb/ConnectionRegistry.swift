import Logging
import NIOCore
import Synchronization

/// What one connection last did, stamped by its `ConnectionGuardHandler` and read by the registry
/// when it has to choose a connection to close.
final class ConnectionActivity: Sendable {
    /// Uptime in nanoseconds of the last byte read or written.
    let lastActive = Atomic<UInt64>(NIODeadline.now().uptimeNanoseconds)
    /// True while a request head has arrived and its response has not started: never evicted then.
    let awaitingResponse = Atomic<Bool>(false)

    func touch() { lastActive.store(NIODeadline.now().uptimeNanoseconds, ordering: .relaxed) }
}

/// Counts of what the connection guard did, for `/stats`.
public struct ConnectionStatistics: Codable, Sendable, Equatable {
    /// Connections open now, and the most ever open at once.
    public var open: Int
    public var peak: Int
    /// `http.max_connections`.
    public var limit: Int
    /// Idle connections closed to make room for new ones at the limit.
    public var evicted: Int
    /// New connections closed at once because every connection was busy.
    public var refused: Int
    /// Connections closed for sending no complete request head within `http.header_timeout`.
    public var headerTimeouts: Int
    /// Connections closed for a request head over the size limit or for not speaking HTTP (a TLS hello).
    public var rejected: Int
}

/// Every open connection of the web server, so their number stays under `max_connections`.
///
/// At the limit a new connection takes the place of the least recently active connection that is
/// not waiting for a response; when there is none, the new connection is refused. The limit is
/// logged once per burst (when it is first reached, and again when the count falls back below
/// three quarters of it, with what was closed meanwhile), never once per connection.
final class ConnectionRegistry: Sendable {
    /// What `admit` decided.
    enum Admission {
        case admitted
        /// Admitted; the caller closes this connection to make room.
        case admittedClosing(any Channel)
        case refused
    }

    private struct Entry {
        let channel: any Channel
        let activity: ConnectionActivity
    }

    private struct State {
        var open: [ObjectIdentifier: Entry] = [:]
        var statistics: ConnectionStatistics
        /// Set while the limit is reached; cleared when the count falls to three quarters of it.
        var atLimit = false
        var evictedInBurst = 0
        var refusedInBurst = 0
    }

    let limit: Int
    private let state: Mutex<State>
    private let logger: Logger

    init(limit: Int, logger: Logger) {
        self.limit = max(1, limit)
        self.logger = logger
        self.state = Mutex(State(statistics: ConnectionStatistics(open: 0, peak: 0, limit: max(1, limit), evicted: 0, refused: 0, headerTimeouts: 0, rejected: 0)))
    }

    var statistics: ConnectionStatistics { state.withLock { $0.statistics } }

    /// Registers a new connection, choosing one to close when the limit is reached.
    func admit(_ channel: any Channel, activity: ConnectionActivity) -> Admission {
        let (admission, firstAtLimit) = state.withLock { state -> (Admission, Bool) in
            var admission = Admission.admitted
            var firstAtLimit = false
            if state.open.count >= limit {
                firstAtLimit = !state.atLimit
                state.atLimit = true
                let idle = state.open.lazy.filter { !$0.value.activity.awaitingResponse.load(ordering: .relaxed) }
                guard let victim = idle.min(by: { $0.value.activity.lastActive.load(ordering: .relaxed) < $1.value.activity.lastActive.load(ordering: .relaxed) }) else {
                    state.statistics.refused += 1
                    state.refusedInBurst += 1
                    return (.refused, firstAtLimit)
                }
                state.open[victim.key] = nil
                state.statistics.evicted += 1
                state.evictedInBurst += 1
                admission = .admittedClosing(victim.value.channel)
            }
            state.open[ObjectIdentifier(channel)] = Entry(channel: channel, activity: activity)
            state.statistics.open = state.open.count
            state.statistics.peak = max(state.statistics.peak, state.open.count)
            return (admission, firstAtLimit)
        }
        if firstAtLimit {
            logger.warning(
                "web connection limit reached; closing the least recently active connections to make room",
                metadata: ["http.max_connections": "\(limit)"]
            )
        }
        return admission
    }

    /// Forgets a closed connection (a no-op for one already evicted).
    func remove(_ channel: any Channel) {
        let burstEnded = state.withLock { state -> (evicted: Int, refused: Int)? in
            state.open[ObjectIdentifier(channel)] = nil
            state.statistics.open = state.open.count
            guard state.atLimit, state.open.count <= limit * 3 / 4 else { return nil }
            defer {
                state.atLimit = false
                state.evictedInBurst = 0
                state.refusedInBurst = 0
            }
            return (state.evictedInBurst, state.refusedInBurst)
        }
        if let burstEnded {
            logger.notice(
                "web connections back under the limit",
                metadata: ["http.max_connections": "\(limit)", "http.connections.evicted": "\(burstEnded.evicted)", "http.connections.refused": "\(burstEnded.refused)"]
            )
        }
    }

    func countHeaderTimeout() { state.withLock { $0.statistics.headerTimeouts += 1 } }
    func countRejected() { state.withLock { $0.statistics.rejected += 1 } }
}
