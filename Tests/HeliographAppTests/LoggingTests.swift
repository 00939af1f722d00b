import Foundation
import HeliographApp
import HeliographLogging
import HeliographTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The `logging:` section read through the whole configuration, and the daemon's own lines; the
/// formatter's tests are in HeliographLoggingTests.
@Suite("Logging configuration and the daemon's lines")
struct LoggingTests {
    @Test("the config accepts logfmt and journald, and rejects other values with the line")
    func configuration() {
        let (configuration, problems) = HeliographConfiguration.parse(yaml: "logging:\n  format: logfmt\n  journald: false\n")
        #expect(problems.isEmpty)
        #expect(configuration?.logging == .init(level: .info, format: .logfmt, journald: .off))
        let (_, bad) = HeliographConfiguration.parse(yaml: "logging:\n  format: xml\n  journald: maybe\n")
        #expect(bad.map(\.key) == ["logging.format", "logging.journald"])
        #expect(bad.map(\.line) == [2, 3])
    }

    @Test("the daemon logs logfmt with journald prefixes when told to")
    func daemonLogs() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("heliograph.yaml")
        try """
            storage:
              path: \(directory.path)/history.sqlite
            logging:
              format: logfmt
              journald: on
            http:
              host: 127.0.0.1
              port: 0
            """.write(to: config, atomically: true, encoding: .utf8)
        let daemon = try HeliographProcess(["run", "--config", config.path])
        try await eventually(timeout: .seconds(60), "daemon serves") { daemon.stderr.contains("web server listening") }
        daemon.signal(SIGTERM)
        #expect(try await daemon.exitStatus() == 0, "\(daemon.stderr)")
        let lines = daemon.stderr.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix(#"<6>level=info logger=heliograph msg="Starting heliograph""#) }, "\(daemon.stderr)")
        #expect(lines.allSatisfy { $0.first == "<" && !$0.contains("time=") }, "\(daemon.stderr)")
    }
}
