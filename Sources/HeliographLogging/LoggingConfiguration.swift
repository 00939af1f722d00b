import HeliographConfigFile
import Logging

/// The `logging:` section: how much the daemon logs and in which line format.
///
/// ```yaml
/// logging:
///   level: info        # trace, debug, info, notice, warning, error, critical; default info
///   format: text       # text, logfmt or json; default text
///   journald: auto     # auto (when systemd's journal is our stderr), true or false; default auto
/// ```
///
/// Owned here, beside the formatter and `LoggingSetup` that use it, so the composition root only
/// hands over the section and the CLI tools can log without it.
public struct LoggingConfiguration: Sendable, Hashable {
    /// `text` (human), `logfmt` (key=value) or `json` (one object per line).
    public enum Format: String, Sendable, Hashable, CaseIterable {
        case text, logfmt, json
    }

    /// Whether lines are written for journald: no timestamps, `<N>` priority prefixes.
    public enum Journald: String, Sendable, Hashable, CaseIterable {
        /// When systemd connected stderr to the journal (`JOURNAL_STREAM`).
        case auto
        case on
        case off
    }

    public var level: Logger.Level
    public var format: Format
    public var journald: Journald

    public init(level: Logger.Level = .info, format: Format = .text, journald: Journald = .auto) {
        self.level = level
        self.format = format
        self.journald = journald
    }

    static let keys = ["level", "format", "journald"]

    /// Reads the section (absent: the defaults); each bad value is reported with its key and line
    /// and leaves that setting at its default.
    public static func parse(_ section: ConfigurationSection) -> LoggingConfiguration {
        var logging = LoggingConfiguration()
        if let level = section.string("level", oneOf: Logger.Level.allCases.map(\.rawValue)) {
            logging.level = Logger.Level(rawValue: level) ?? logging.level
        }
        if let format = section.string("format", oneOf: Format.allCases.map(\.rawValue)) {
            logging.format = Format(rawValue: format) ?? logging.format
        }
        switch section.string("journald", oneOf: ["auto", "true", "false", "yes", "no", "on", "off"]) {
        case "true", "yes", "on": logging.journald = .on
        case "false", "no", "off": logging.journald = .off
        default: break
        }
        section.reportUnknownKeys(allowed: keys)
        return logging
    }
}
