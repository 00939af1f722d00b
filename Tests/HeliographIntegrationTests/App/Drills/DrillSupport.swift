import Foundation
import HeliographDevices
import HeliographTesting

/// Settings and fixtures shared by the crash and outage drills (`KillDrillTests`,
/// `DiskFullDrillTests`, `PostgresOutageDrillTests`).
enum Drill {
    /// An integer from the environment, or `fallback` when unset or not a number.
    static func setting(_ name: String, default fallback: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap { Int($0) } ?? fallback
    }

    /// How long a server stays away in the outage drills: `HELIOGRAPH_DRILL_OUTAGE_SECONDS`, 15 s by
    /// default so CI stays quick; 600 runs the full ten-minute drill.
    static var outage: Duration { .seconds(setting("HELIOGRAPH_DRILL_OUTAGE_SECONDS", default: 15)) }

    /// Runs `body` with a Deye simulator listening on loopback (one simulator serves every device
    /// and every daemon restart of a drill), and stops it afterwards.
    static func withDeyeSimulator<T: Sendable>(_ body: (Int) async throws -> T) async throws -> T {
        let simulator = try DeyeSimulator(configuration: .init(inverterSerial: "2306013013"))
        let task = Task { try await simulator.run() }
        let port = await simulator.listeningPort()
        let result: Result<T, any Error>
        do { result = .success(try await body(port)) } catch { result = .failure(error) }
        task.cancel()
        _ = await task.result
        return try result.get()
    }

    /// A drill daemon's configuration: `count` Deye inverters `inverter1…` polled every `interval` from
    /// one simulator, trace logs as JSON (so `DaemonTrace` sees every poll and every write), no metrics,
    /// UTC, plus `sections` (`storage:`, `http:` …) as the drill needs them.
    static func configuration(deyePort port: Int, count: Int, interval: String, sections: String) -> DaemonConfiguration {
        DaemonConfiguration(
            devices: Dictionary(uniqueKeysWithValues: (1...count).map {
                ("inverter\($0)", "{ type: deye, host: 127.0.0.1, port: \(port), interval: \(interval), timeout: 5s }")
            }),
            http: false,
            sections: """
                site: { time_zone: UTC }
                logging: { level: trace, format: json }
                metrics: { enabled: false }
                \(sections)
                """
        )
    }

    /// Now, in milliseconds since 1970 (the unit of sample times in the store and the trace).
    static var nowMilliseconds: Int64 { Int64((Date().timeIntervalSince1970 * 1_000).rounded()) }

    /// A JSON object from the daemon's HTTP API.
    static func json(_ url: String) async throws -> [String: Any] {
        let answer = try await httpGet(url)
        return try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any] ?? [:]
    }

    /// One sink's counters (`buffered`, `written`, `dropped`…) from `/stats`, which needs the store to answer.
    static func sink(_ name: String, base: String) async throws -> [String: Any] {
        let sinks = try await json(base + "/stats")["sinks"] as? [[String: Any]] ?? []
        return sinks.first { $0["sink"] as? String == name } ?? [:]
    }

    /// One component of `/health` (`kind` poller, sink, storage…).
    static func healthComponent(kind: String, name: String, in health: [String: Any]) -> [String: Any]? {
        (health["components"] as? [[String: Any]])?.first { $0["kind"] as? String == kind && $0["name"] as? String == name }
    }
}
