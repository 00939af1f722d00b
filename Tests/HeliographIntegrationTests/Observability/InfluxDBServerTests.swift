import Foundation
import HeliographCore
import HeliographInfluxDB
import HeliographTesting
import Logging
import ServiceLifecycleTestKit
import Synchronization
import Testing

/// A real InfluxDB 1.x (Debian's `influxdb`, installed by scripts/test-deps.d/observability.sh),
/// started on 127.0.0.1 with its own config and data directory.
final class InfluxDBServer: Sendable {
    static let executable = findExecutable("influxd")
    let directory: URL
    let port: Int
    private let config: URL
    private let server: Mutex<ChildProcess?> = Mutex(nil)

    init() throws {
        directory = try makeTemporaryDirectory("influxd")
        port = try freePort()
        config = directory.appendingPathComponent("influxdb.conf")
        let rpc = try freePort()
        try """
            reporting-disabled = true
            bind-address = "127.0.0.1:\(rpc)"
            [meta]
              dir = "\(directory.path)/meta"
            [data]
              dir = "\(directory.path)/data"
              wal-dir = "\(directory.path)/wal"
              query-log-enabled = false
            [http]
              enabled = true
              bind-address = "127.0.0.1:\(port)"
              auth-enabled = false
              log-enabled = false
            [monitor]
              store-enabled = false
            [continuous_queries]
              enabled = false
            [subscriber]
              enabled = false
            """.write(to: config, atomically: true, encoding: .utf8)
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Starts influxd and waits until `/ping` answers 204.
    func start() async throws {
        guard let executable = Self.executable else { throw TestFailure("influxd missing: run scripts/test-deps.d/observability.sh") }
        let process = try ChildProcess(executable, ["run", "-config", config.path])
        server.withLock { $0 = process }
        try await eventually(timeout: .seconds(60), "influxd answers /ping") {
            if !process.isRunning { throw TestFailure("influxd exited:\n\(process.combinedOutput)") }
            return await httpRequest("\(self.url)/ping")?.status == 204
        }
    }

    func stop() async throws {
        let process = server.withLock { $0 }
        try await process?.stop(grace: .seconds(30))
    }

    func query(_ text: String, database: String = "heliograph") async throws -> [[Any]] {
        let encoded = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
        guard let answer = await httpRequest("\(url)/query?db=\(database)&epoch=ns", method: .POST, form: "q=\(encoded)") else {
            throw TestFailure("influxd did not answer")
        }
        guard let json = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any],
            let results = json["results"] as? [[String: Any]]
        else { throw TestFailure("unexpected answer: \(answer.body)") }
        let series = results.first?["series"] as? [[String: Any]]
        return series?.first?["values"] as? [[Any]] ?? []
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

@Suite(.serialized) struct InfluxDBServerTests {

    static func sink(_ server: InfluxDBServer, spool: URL) throws -> InfluxDBSink {
        let endpoint = InfluxDBEndpoint(url: URL(string: server.url)!, api: .v1(database: "heliograph", retentionPolicy: nil, username: nil, password: nil))
        let descriptor = DeviceDescriptor(kind: "pi30", id: "inv1", manufacturer: "Voltronic", model: "Axpert VM III", fields: [])
        return try InfluxDBSink(
            configuration: .init(
                endpoint: endpoint, lineProtocol: LineProtocol(staticTags: ["site": "test site"]), batchSize: 50, timeout: .seconds(5),
                initialBackoff: .milliseconds(50), maximumBackoff: .milliseconds(500), spoolDirectory: spool
            ),
            logger: Logger(label: "test.influxdb"),
            devices: [descriptor]
        )
    }

    static func samples(_ range: Range<Int>) -> [Sample] {
        range.map { index in
            Sample(device: "inv1", time: Date(timeIntervalSince1970: 1_700_000_000 + Double(index) * 10), values: [
                "battery_soc_pct": .number(Double(index % 100)), "charging": .flag(index % 2 == 0), "operating_mode": .text(index % 3 == 0 ? "Battery" : "Line \"mode\""),
            ])
        }
    }

    @Test(.enabled(if: InfluxDBServer.executable != nil || isCI, "needs influxd (Debian influxdb; scripts/test-deps.d/observability.sh)"))
    func everyPointArrivesThroughAnOutage() async throws {
        let server = try InfluxDBServer()
        try await server.start()
        _ = try await server.query("CREATE DATABASE heliograph")
        let spool = server.directory.appendingPathComponent("spool")
        let sink = try Self.sink(server, spool: spool)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await sink.run() }
                try await sink.write(Self.samples(0..<120))
                try await eventually(timeout: .seconds(30), "first 120 points stored") {
                    (try await server.query("SELECT count(battery_soc_pct) FROM pi30").first?[1] as? Int) == 120
                }

                // Outage: the server goes away; writes keep coming and are spooled on disk.
                try await server.stop()
                try await sink.write(Self.samples(120..<300))
                try await eventually(timeout: .seconds(30), "sends fail while the server is down") { sink.statistics.failedRequests >= 2 }
                #expect(sink.statistics.spooledBatches > 0)
                #expect(try FileManager.default.contentsOfDirectory(atPath: spool.path).contains { $0.hasSuffix(".batch") })

                // Back: everything spooled arrives.
                try await server.start()
                try await eventually(timeout: .seconds(60), "all 300 points stored") {
                    (try await server.query("SELECT count(battery_soc_pct) FROM pi30").first?[1] as? Int) == 300
                }
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        // Types and tags as written: float, boolean, string (with its quotes), device/model/site tags; times to the nanosecond.
        let rows = try await server.query(#"SELECT battery_soc_pct, charging, operating_mode, device, model, site FROM pi30 ORDER BY time"#)
        #expect(rows.count == 300)
        let times: [Int64?] = rows.map { ($0[0] as? NSNumber)?.int64Value }
        let expected: [Int64?] = (0..<300).map { index -> Int64? in (1_700_000_000 + Int64(index) * 10) * 1_000_000_000 }
        #expect(times == expected)
        let first = try #require(rows.first)
        #expect(first[1] as? Double == 0)
        #expect(first[2] as? Bool == true)
        #expect(first[3] as? String == "Battery")
        #expect(rows[1][3] as? String == "Line \"mode\"")
        #expect(first[4] as? String == "inv1")
        #expect(first[5] as? String == "Axpert VM III")
        #expect(first[6] as? String == "test site")
        let types = try await server.query("SHOW FIELD KEYS FROM pi30")
        #expect(Set(types.map { "\($0[0]):\($0[1])" }) == ["battery_soc_pct:float", "charging:boolean", "operating_mode:string"])
        #expect(sink.statistics.sentPoints == 300)
        #expect(sink.statistics.droppedBatches == 0)
        try await server.stop()
    }
}
