import Foundation
import HeliographApp
import Synchronization

/// Accelerated time of day for the soak: stands still at `start` until `begin()`, then runs `speed`
/// times as fast as real time. Simulators, drivers and the store all read it, so setting up (which
/// takes real seconds) uses no simulated time.
final class SimulatedTime: Sendable {
    let start: Date
    let speed: Double
    private let origin = Mutex<ContinuousClock.Instant?>(nil)

    init(start: Date, speed: Double) {
        self.start = start
        self.speed = speed
    }

    /// A clock that began `elapsed` real seconds ago (the soak's clock, continued in its load process).
    convenience init(start: Date, speed: Double, runningFor elapsed: TimeInterval) {
        self.init(start: start, speed: speed)
        origin.withLock { $0 = ContinuousClock.now - .seconds(max(0, elapsed)) }
    }

    /// Starts the clock; later calls change nothing.
    func begin() {
        origin.withLock { origin in
            if origin == nil { origin = .now }
        }
    }

    /// When the clock started, nil before `begin()`.
    var began: ContinuousClock.Instant? { origin.withLock { $0 } }

    /// The wall-clock moment the clock began (now, before `begin()`), to carry it to another process.
    var beganOnWallClock: Date {
        Date().addingTimeInterval(-(began.map { (ContinuousClock.now - $0).seconds } ?? 0))
    }

    func now() -> Date {
        guard let began else { return start }
        return start.addingTimeInterval((ContinuousClock.now - began).seconds * speed)
    }

    /// The clock as the daemon takes it.
    var daemonClock: DaemonClock { DaemonClock(speed: speed) { [self] in now() } }

    /// The real instant at which `simulated` seconds will have passed; nil before `begin()`.
    func realInstant(afterSimulated simulated: Double) -> ContinuousClock.Instant? {
        began.map { $0 + .seconds(simulated / speed) }
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
