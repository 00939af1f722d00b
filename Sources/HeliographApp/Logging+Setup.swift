import Logging
import Synchronization

import class Foundation.FileHandle
import class Foundation.JSONSerialization
import class Foundation.ISO8601DateFormatter
import struct Foundation.Data
import struct Foundation.Date

/// Process-wide logging for the `heliograph` executable; libraries only take a `Logger`.
public enum LoggingSetup {
    private static let bootstrapped = Mutex(false)

    /// Installs the handler for the configured format and returns the root logger. Safe to call
    /// twice (the first call wins, as swift-log allows only one bootstrap).
    public static func bootstrap(_ configuration: HeliographConfiguration.Logging, label: String = "heliograph") -> Logger {
        let first = bootstrapped.withLock { done in
            defer { done = true }
            return !done
        }
        if first {
            switch configuration.format {
            case .text: LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
            case .json: LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
            }
        }
        var logger = Logger(label: label)
        logger.logLevel = configuration.level
        return logger
    }
}

/// One JSON object per line on standard error: `time`, `level`, `label`, `message`, then metadata keys.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public let label: String

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var object: [String: String] = [
            "time": ISO8601DateFormatter().string(from: Date()),
            "level": event.level.rawValue,
            "label": label,
            "message": "\(event.message)",
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { _, new in new }) {
            object[key] = "\(value)"
        }
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        data.append(0x0A)
        FileHandle.standardError.write(data)
    }
}
