import Foundation
import HeliographCore
import HeliographInfluxDB
import HeliographTesting
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

/// The sink against a recorded-request server speaking the v2 API.
@Suite struct InfluxDBSinkTests {
    static let descriptor = DeviceDescriptor(kind: "pi30", id: "inv1", manufacturer: "Voltronic", model: "Axpert", fields: [])

    static func samples(_ range: Range<Int>) -> [Sample] {
        range.map { index in
            Sample(device: "inv1", time: Date(timeIntervalSince1970: 1_700_000_000 + Double(index)), values: ["battery_soc_pct": .number(Double(index))])
        }
    }

    static func sink(port: Int, spool: URL? = nil, batchSize: Int = 5_000) throws -> InfluxDBSink {
        let endpoint = InfluxDBEndpoint(url: URL(string: "http://127.0.0.1:\(port)")!, api: .v2(organization: "home org", bucket: "solar", token: "secret-token"))
        return try InfluxDBSink(
            configuration: .init(
                endpoint: endpoint, batchSize: batchSize, timeout: .seconds(5), initialBackoff: .milliseconds(20), maximumBackoff: .milliseconds(100),
                spoolDirectory: spool
            ),
            logger: Logger(label: "test.influxdb"),
            devices: [descriptor]
        )
    }

    /// Runs the sink as a service while `body` runs, then shuts it down gracefully.
    static func running(_ sink: InfluxDBSink, _ body: () async throws -> Void) async throws {
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await sink.run() }
                try await body()
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
    }

    @Test func v2WritesCarryTokenOrgBucketAndGzippedLineProtocol() async throws {
        let server = RecordingInfluxServer()
        try await server.makeApplication().test(.live) { client in
            let sink = try Self.sink(port: try #require(client.port), batchSize: 3)
            try await Self.running(sink) {
                try await sink.write(Self.samples(0..<7))
                try await eventually(timeout: .seconds(60), "all points sent") { sink.statistics.sentPoints == 7 }
            }
        }
        let requests = server.requests
        #expect(requests.count == 3, "7 points in batches of 3")
        let first = try #require(requests.first)
        #expect(first.path == "/api/v2/write")
        #expect(first.query == ["org": "home org", "bucket": "solar", "precision": "ns"])
        #expect(first.headers["authorization"] == "Token secret-token")
        #expect(first.headers["content-encoding"] == "gzip")
        #expect(first.headers["content-type"] == "text/plain; charset=utf-8")
        #expect(first.lines == [
            "pi30,device=inv1,model=Axpert battery_soc_pct=0.0 1700000000000000000",
            "pi30,device=inv1,model=Axpert battery_soc_pct=1.0 1700000001000000000",
            "pi30,device=inv1,model=Axpert battery_soc_pct=2.0 1700000002000000000",
        ])
        #expect(server.acceptedLines.count == 7)
    }

    @Test func failuresAreRetriedInOrderAndMalformedBatchesDropped() async throws {
        let server = RecordingInfluxServer()
        server.answer([503, 500, 429, 400])
        try await server.makeApplication().test(.live) { client in
            let sink = try Self.sink(port: try #require(client.port), batchSize: 2)
            try await Self.running(sink) {
                try await sink.write(Self.samples(0..<6))
                try await eventually(timeout: .seconds(60), "queue empty") { sink.statistics.spooledBatches == 0 }
            }
            let statistics = sink.statistics
            #expect(statistics.failedRequests == 3)
            #expect(statistics.droppedBatches == 1)
            #expect(statistics.sentPoints == 4)
        }
        // The first batch was retried three times, then rejected as malformed (400) and dropped; the rest followed in order.
        #expect(server.requests.map(\.status) == [503, 500, 429, 400, 204, 204])
        #expect(server.requests.prefix(4).allSatisfy { $0.lines.first?.hasSuffix(" 1700000000000000000") == true })
        #expect(server.acceptedLines.map { $0.split(separator: " ").last.map(String.init) ?? "" } == (2..<6).map { "\(1_700_000_000 + $0)000000000" })
    }

    @Test func theSpoolKeepsBatchesAcrossARestartWhileTheServerIsAway() async throws {
        let spool = try makeTemporaryDirectory("influx-spool")
        defer { try? FileManager.default.removeItem(at: spool) }
        let server = RecordingInfluxServer()
        try await server.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            // A sink pointed at a port nobody listens on: everything stays spooled, on disk.
            let unreachable = try Self.sink(port: try freePort(), spool: spool, batchSize: 4)
            try await Self.running(unreachable) {
                try await unreachable.write(Self.samples(0..<10))
                try await eventually(timeout: .seconds(60), "a send failed") { unreachable.statistics.failedRequests > 0 }
            }
            #expect(unreachable.statistics.spooledBatches == 3)
            #expect(try FileManager.default.contentsOfDirectory(atPath: spool.path).filter { $0.hasSuffix(".batch") }.count == 3)

            // The next run finds them and sends them first, then new points, in order.
            let restarted = try Self.sink(port: port, spool: spool, batchSize: 4)
            #expect(restarted.statistics.spooledBatches == 3)
            try await Self.running(restarted) {
                try await restarted.write(Self.samples(10..<12))
                try await eventually(timeout: .seconds(60), "all sent") { restarted.statistics.sentPoints == 12 }
            }
        }
        #expect(server.acceptedLines.map { String($0.split(separator: " ").last ?? "") } == (0..<12).map { "\(1_700_000_000 + $0)000000000" })
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.path).isEmpty)
    }
}
