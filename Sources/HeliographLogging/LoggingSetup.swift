import Logging
import Synchronization

import class Foundation.FileHandle
import class Foundation.ProcessInfo
import struct Foundation.Data

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Process-wide logging for the `heliograph` executable; libraries only take a `Logger`.
public enum LoggingSetup {
    private static let bootstrapped = Mutex(false)

    /// Installs the handler for the configured format and returns the root logger. Safe to call
    /// twice (the first call wins, as swift-log allows only one bootstrap).
    /// - Parameters:
    ///   - secrets: values to replace by `<redacted>` in every line (the configuration file's secrets).
    ///   - environment: where `JOURNAL_STREAM` is looked up for `journald: auto`.
    public static func bootstrap(
        _ configuration: LoggingConfiguration,
        secrets: Set<String> = [],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        label: String = "heliograph"
    ) -> Logger {
        let first = bootstrapped.withLock { done in
            defer { done = true }
            return !done
        }
        if first {
            let formatter = LogLineFormatter(
                format: configuration.format,
                journald: configuration.journald.isEnabled(environment: environment),
                secrets: secrets
            )
            LoggingSystem.bootstrap { label in HeliographLogHandler(label: label, formatter: formatter) }
        }
        var logger = Logger(label: label)
        logger.logLevel = configuration.level
        return logger
    }

    /// True when standard error is the journal stream systemd set up for this process: `JOURNAL_STREAM`
    /// holds `device:inode` of that stream, and must match stderr (a child with redirected stderr inherits
    /// the variable but not the stream).
    public static func standardErrorIsJournal(environment: [String: String]) -> Bool {
        guard let value = environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var status = stat()
        guard fstat(2, &status) == 0 else { return false }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode
    }
}

extension LoggingConfiguration.Journald {
    func isEnabled(environment: [String: String]) -> Bool {
        switch self {
        case .auto: LoggingSetup.standardErrorIsJournal(environment: environment)
        case .on: true
        case .off: false
        }
    }
}

/// Writes one line per event to standard error (or `output`), formatted by `LogLineFormatter`.
public struct HeliographLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public let label: String
    public let formatter: LogLineFormatter
    private let output: @Sendable (String) -> Void

    public init(label: String, formatter: LogLineFormatter, output: @escaping @Sendable (String) -> Void = Self.standardError) {
        self.label = label
        self.formatter = formatter
        self.output = output
    }

    /// One `write` per line, so lines from concurrent tasks never interleave.
    public static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:], uniquingKeysWith: { _, new in new })
        output(formatter.line(level: event.level, label: label, message: "\(event.message)", metadata: merged))
    }
}
