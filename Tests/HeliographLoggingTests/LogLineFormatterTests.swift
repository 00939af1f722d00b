import Foundation
import HeliographLogging
import Logging
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Logging formats")
struct LogLineFormatterTests {
    /// 2026-11-29T11:50:00.250Z
    let date = Date(timeIntervalSince1970: 1_795_953_000.25)
    let metadata: Logger.Metadata = ["device.id": "inverter", "error": "no reply within 3 s"]

    @Test("text: time, level, label, message, then key=value")
    func text() {
        let line = LogLineFormatter(format: .text).line(level: .warning, label: "heliograph", message: "poll failed", metadata: metadata, date: date)
        #expect(line == #"2026-11-29T11:50:00.250Z warning heliograph: poll failed device.id=inverter error="no reply within 3 s""#)
    }

    @Test("logfmt: quoted and escaped where needed")
    func logfmt() {
        let formatter = LogLineFormatter(format: .logfmt)
        let line = formatter.line(level: .info, label: "heliograph", message: #"said "hi"\n"#, metadata: ["path": "/dev/ttyUSB0", "empty": ""], date: date)
        #expect(line == #"time=2026-11-29T11:50:00.250Z level=info logger=heliograph msg="said \"hi\"\\n" empty="" path=/dev/ttyUSB0"#)
        let multiline = formatter.line(level: .info, label: "x", message: "two\nlines", metadata: [:], date: date)
        #expect(!multiline.contains("\n"))
    }

    @Test("json: one parseable object per line with metadata as keys")
    func json() throws {
        let line = LogLineFormatter(format: .json).line(level: .error, label: "heliograph", message: "tab\tand \u{1}", metadata: metadata, date: date)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object == ["time": "2026-11-29T11:50:00.250Z", "level": "error", "label": "heliograph", "message": "tab\tand \u{1}", "device.id": "inverter", "error": "no reply within 3 s"])
    }

    @Test("journald: priority prefix, no timestamp, in every format")
    func journald() throws {
        let levels: [(Logger.Level, String)] = [(.trace, "<7>"), (.debug, "<7>"), (.info, "<6>"), (.notice, "<5>"), (.warning, "<4>"), (.error, "<3>"), (.critical, "<2>")]
        for format in LoggingConfiguration.Format.allCases {
            let formatter = LogLineFormatter(format: format, journald: true)
            for (level, prefix) in levels {
                let line = formatter.line(level: level, label: "heliograph", message: "m", metadata: [:], date: date)
                #expect(line.hasPrefix(prefix), "\(format) \(level): \(line)")
                #expect(!line.contains("2026"), "\(format): \(line)")
            }
        }
        #expect(LogLineFormatter(format: .text, journald: true).line(level: .info, label: "heliograph", message: "started", metadata: ["a": "1"], date: date) == "<6>heliograph: started a=1")
        let json = LogLineFormatter(format: .json, journald: true).line(level: .info, label: "h", message: "m", metadata: [:], date: date)
        #expect(try JSONSerialization.jsonObject(with: Data(json.dropFirst(3).utf8)) is [String: String])
    }

    @Test("secrets are redacted in messages and metadata, in every format")
    func redaction() {
        let secret = "hunter2-broker-password"
        for format in LoggingConfiguration.Format.allCases {
            let formatter = LogLineFormatter(format: format, secrets: [secret, "ab"])
            let line = formatter.line(
                level: .error,
                label: "heliograph",
                message: "connect to mqtt://user:\(secret)@broker failed; table kept",
                metadata: ["url": "postgres://heliograph:\(secret)@db/heliograph"],
                date: date
            )
            #expect(!line.contains(secret), "\(format): \(line)")
            #expect(line.contains("<redacted>"))
            #expect(line.contains("table kept"), "values under 4 characters are not redacted: \(line)")
        }
    }

    @Test("the handler writes one formatted line per event, with logger metadata")
    func handler() {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "heliograph.test") { label in
            HeliographLogHandler(label: label, formatter: LogLineFormatter(format: .logfmt, journald: true)) { line in lines.withLock { $0.append(line) } }
        }
        logger[metadataKey: "device.id"] = "inverter"
        logger.debug("hidden at info")
        logger.notice("device online", metadata: ["poll.duration": "0.4"])
        #expect(lines.withLock { $0 } == [#"<5>level=notice logger=heliograph.test msg="device online" device.id=inverter poll.duration=0.4"#])
    }

    @Test("JOURNAL_STREAM counts only when it names our standard error")
    func journalStreamDetection() {
        var status = stat()
        #expect(fstat(2, &status) == 0)
        let ours = "\(status.st_dev):\(status.st_ino)"
        #expect(LoggingSetup.standardErrorIsJournal(environment: ["JOURNAL_STREAM": ours]))
        #expect(!LoggingSetup.standardErrorIsJournal(environment: ["JOURNAL_STREAM": "1:2"]))
        #expect(!LoggingSetup.standardErrorIsJournal(environment: ["JOURNAL_STREAM": "garbage"]))
        #expect(!LoggingSetup.standardErrorIsJournal(environment: [:]))
    }
}
