import Foundation
import HeliographAutomation
import HeliographCore
import Synchronization

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date = Date(timeIntervalSince1970: 1_782_036_000)) { current = Mutex(start) }  // 2026-06-21 10:00 UTC
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    var function: @Sendable () -> Date { { self.now } }
}

/// Records what would be published.
final class RecordingPublisher: MessagePublisher {
    let messages = Mutex<[(topic: String, payload: String, retain: Bool)]>([])
    func publish(topic: String, payload: String, retain: Bool) async throws {
        messages.withLock { $0.append((topic, payload, retain)) }
    }
    var payloads: [String] { messages.withLock { $0.map(\.payload) } }
}

func condition(_ text: String) -> Condition { try! Condition.parse(text) }

/// A day of a simulated hybrid inverter: SOC climbs with the sun, then falls through the evening,
/// with measurement jitter of ±1 point around each threshold so hysteresis is put to work.
func simulatedSOC(minute: Int) -> Double {
    let hour = Double(minute) / 60
    let base: Double
    switch hour {
    case ..<8: base = 40 - hour  // night: slowly discharging
    case ..<13: base = 32 + (hour - 8) * 13  // morning sun: 32 → 97
    case ..<17: base = 97
    default: base = max(20, 97 - (hour - 17) * 9)  // evening load: falls through 60 around 21:06
    }
    let jitter = [0.0, 1.2, -1.1, 0.6, -0.9][minute % 5]
    return min(100, max(0, base + jitter))
}
