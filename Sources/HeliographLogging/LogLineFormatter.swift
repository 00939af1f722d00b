import Logging

import struct Foundation.Date

/// Turns one log event into one line of text, in the configured format. Pure, so tests check the
/// exact lines; `HeliographLogHandler` writes them.
///
/// - `text`: `2026-11-29T11:50:00.123Z info heliograph: message key=value`
/// - `logfmt`: `time=… level=info logger=heliograph msg="message" key=value`
/// - `json`: `{"label":"heliograph","level":"info","message":"message","time":"…","key":"value"}`
///
/// Under journald (`journald: true`) the timestamp is left out (the journal stamps each line) and
/// the line starts with the syslog priority `<N>`, which journald turns into the entry's level.
/// Every secret value is replaced by `<redacted>` wherever it appears, message or metadata.
/// Control characters (C0, DEL, C1) never reach the output raw, in any format: text read from the
/// network (an MQTT topic or payload in an error) cannot start a fake line or drive the terminal.
public struct LogLineFormatter: Sendable {
    public var format: LoggingConfiguration.Format
    public var journald: Bool
    /// Values replaced by `<redacted>`; values shorter than 4 characters are not redacted (they would
    /// mangle ordinary words and cannot be secret enough to matter).
    public var secrets: [String]

    public init(format: LoggingConfiguration.Format, journald: Bool = false, secrets: some Sequence<String> = []) {
        self.format = format
        self.journald = journald
        // Longest first, so a secret containing another is replaced whole.
        self.secrets = Set(secrets).filter { $0.count >= 4 }.sorted { $0.count > $1.count }
    }

    /// The line for one event, without the trailing newline.
    public func line(level: Logger.Level, label: String, message: String, metadata: Logger.Metadata, date: Date = Date()) -> String {
        let time = date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        let fields = metadata.sorted { $0.key < $1.key }.map { (key: $0.key, value: redact("\($0.value)")) }
        let message = redact(message)
        let prefix = journald ? "<\(Self.syslogPriority(level))>" : ""
        switch format {
        case .text:
            let message = Self.escapingControls(message)
            var line = journald ? "\(prefix)\(label): \(message)" : "\(time) \(level.rawValue) \(label): \(message)"
            for field in fields { line += " \(field.key)=\(Self.logfmtValue(field.value))" }
            return line
        case .logfmt:
            var pairs: [(String, String)] = journald ? [] : [("time", time)]
            pairs += [("level", level.rawValue), ("logger", label), ("msg", message)]
            pairs += fields.map { ($0.key, $0.value) }
            return prefix + pairs.map { "\(Self.logfmtKey($0.0))=\(Self.logfmtValue($0.1))" }.joined(separator: " ")
        case .json:
            var object: [(String, String)] = [("level", level.rawValue), ("label", label), ("message", message)]
            if !journald { object.append(("time", time)) }
            let reserved = Set(object.map(\.0))
            object += fields.filter { !reserved.contains($0.key) }.map { ($0.key, $0.value) }
            object.sort { $0.0 < $1.0 }
            return prefix + "{" + object.map { "\(Self.jsonString($0.0)):\(Self.jsonString($0.1))" }.joined(separator: ",") + "}"
        }
    }

    private func redact(_ text: String) -> String {
        var text = text
        for secret in secrets where text.contains(secret) { text = text.replacingOccurrences(of: secret, with: "<redacted>") }
        return text
    }

    /// syslog priorities as sd-daemon(3) defines them: journald reads a leading `<N>`.
    static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// Keys are written bare; characters logfmt cannot hold become `_`.
    static func logfmtKey(_ key: String) -> String {
        let cleaned = String(key.unicodeScalars.map { $0 == " " || $0 == "=" || $0 == "\"" || isControl($0) ? "_" : Character($0) })
        return cleaned.isEmpty ? "_" : cleaned
    }

    /// Bare when safe, else double-quoted with `\"`, `\\`, `\n` and other control characters escaped.
    static func logfmtValue(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.unicodeScalars.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "\\" || isControl($0) }
        return needsQuotes ? quoted(value) : value
    }

    /// `text` with every control character written as an escape (`\n`, `\u001b`); the rest as is.
    static func escapingControls(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var escaped = ""
        for scalar in text.unicodeScalars { appendEscapingControl(scalar, to: &escaped) }
        return escaped
    }

    /// C0 controls, DEL and C1 controls (U+0080...U+009F, which some terminals obey too).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    private static func appendEscapingControl(_ scalar: Unicode.Scalar, to output: inout String) {
        switch scalar {
        case "\n": output += "\\n"
        case "\r": output += "\\r"
        case "\t": output += "\\t"
        case _ where isControl(scalar):
            let hex = String(scalar.value, radix: 16)
            output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: output.unicodeScalars.append(scalar)
        }
    }

    static func jsonString(_ value: String) -> String { quoted(value) }

    /// `value` in double quotes with `"`, `\` and control characters escaped: a logfmt quoted value
    /// and a JSON string alike.
    private static func quoted(_ value: String) -> String {
        var quoted = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            default: appendEscapingControl(scalar, to: &quoted)
            }
        }
        return quoted + "\""
    }
}
