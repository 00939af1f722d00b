import Foundation

/// A daemon configuration file for a test, built from parts so that each test writes only what it is
/// about: the store, the devices and the web server on 127.0.0.1 have the usual test values.
///
/// ```swift
/// let configuration = DaemonConfiguration(
///     database: directory.appendingPathComponent("history.sqlite").path,
///     devices: ["inverter": "{ type: pi30, port: \(link), interval: 200ms }"],
///     sections: "logging: { level: info, format: logfmt }"
/// )
/// ```
public struct DaemonConfiguration: Sendable {
    /// `storage.path`: the SQLite history; nil leaves `storage:` to `sections`.
    public var database: String?
    /// Device id → its settings as a YAML flow mapping (`{ type: deye, host: 127.0.0.1, port: 8899 }`), in id order.
    public var devices: [String: String]
    /// Serve the web API on 127.0.0.1 and a free port (read it with `RunningDaemon.httpPort()`); false leaves
    /// `http:` to `sections` (or off when they do not name it).
    public var http: Bool
    /// Any further sections, as YAML written at the top level (`logging:`, `mqtt:`, `site:` …).
    public var sections: String

    public init(database: String? = nil, devices: [String: String] = [:], http: Bool = true, sections: String = "") {
        self.database = database
        self.devices = devices
        self.http = http
        self.sections = sections
    }

    /// The whole file.
    public var yaml: String {
        var lines: [String] = []
        if let database { lines += ["storage:", "  path: \(database)"] }
        if !devices.isEmpty {
            lines.append("devices:")
            lines += devices.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }
        }
        if http { lines += ["http:", "  host: 127.0.0.1", "  port: 0"] }
        if !sections.isEmpty { lines.append(sections) }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The real `heliograph run` a test started with `withDaemon`.
public struct RunningDaemon: Sendable {
    public let process: HeliographProcess
    /// The configuration file it runs with (`config check`, `backup --config` take it too).
    public let configFile: URL

    /// The port the web server listens on, from its `web server listening` log line.
    public func httpPort(timeout: Duration = .seconds(60)) async throws -> Int {
        try await eventually(timeout: timeout, "the daemon's web server listens") { process.stderr.contains("web server listening") }
        guard let port = process.stderr.firstMatch(of: /http\.port=(\d+)/).flatMap({ Int($0.1) }) else {
            throw TestFailure("no http.port in the daemon's log:\n\(process.stderr.suffix(2_000))")
        }
        return port
    }
}

/// Writes `configuration` to `<directory>/heliograph.yaml`, has `heliograph config check` accept it,
/// starts `heliograph run --config` on it and runs `body`. However `body` ends, a daemon still
/// running is then sent SIGTERM and waited for; `body` may stop it itself to check how it stopped.
///
/// - Parameters:
///   - environment: extra variables for the daemon (overrides such as `HELIOGRAPH_STORAGE_PATH`).
///   - openFileLimit: runs it under `prlimit --nofile=N:N`, as a unit's `LimitNOFILE=N` would.
public func withDaemon<Result: Sendable>(
    configuration: DaemonConfiguration,
    in directory: URL,
    environment: [String: String] = [:],
    openFileLimit: Int? = nil,
    _ body: (RunningDaemon) async throws -> Result
) async throws -> Result {
    let configFile = directory.appendingPathComponent("heliograph.yaml")
    try configuration.yaml.write(to: configFile, atomically: true, encoding: .utf8)
    let check = try await HeliographProcess.run(["config", "check", configFile.path], environment: environment)
    guard check.status == 0 else {
        throw TestFailure("config check refused the test's configuration (\(check.status)):\n\(check.stderr)\n\(configuration.yaml)")
    }
    let daemon = RunningDaemon(
        process: try HeliographProcess(["run", "--config", configFile.path], environment: environment, openFileLimit: openFileLimit),
        configFile: configFile
    )
    let outcome: Swift.Result<Result, any Error>
    do { outcome = .success(try await body(daemon)) } catch { outcome = .failure(error) }
    if daemon.process.isRunning { try? await daemon.process.terminate() }
    return try outcome.get()
}
