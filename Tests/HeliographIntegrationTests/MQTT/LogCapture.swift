import HeliographApp
import HeliographLogging
import Logging
import Synchronization

/// Collects the lines the daemon's own log handler writes (text format), for tests that check
/// what is logged and how often.
final class LogCapture: Sendable {
    private let captured = Mutex<[String]>([])

    var lines: [String] { captured.withLock { $0 } }

    func lines(containing text: String) -> [String] { lines.filter { $0.contains(text) } }

    /// A logger at `info` writing through `HeliographLogHandler` into this capture.
    func logger(label: String) -> Logger {
        Logger(label: label) { label in
            HeliographLogHandler(label: label, formatter: LogLineFormatter(format: .text)) { line in self.captured.withLock { $0.append(line) } }
        }
    }
}
