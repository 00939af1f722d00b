import Foundation
import HeliographCore
import HeliographPipeline
import HeliographPostgres
import HeliographTesting
import Logging
import Testing

@Suite("PostgreSQL store", .enabled(if: PostgresServer.isUsable), .timeLimit(.minutes(5)))
struct PostgresStoreTests {
    static let device: DeviceID = "inverter-1"
    static let voltage: FieldID = "battery_voltage_v"

    /// Runs `body` with a running store on a fresh schema of the shared server.
    func withStore<R: Sendable>(
        _ adjust: (inout PostgresStore.Configuration) -> Void = { _ in },
        _ body: @Sendable (PostgresStore, PostgresServer, String) async throws -> R
    ) async throws -> R {
        let server = try await PostgresServer.shared()
        var configuration = try PostgresStore.Configuration(url: server.url())
        configuration.schema = uniqueSchema("store")
        adjust(&configuration)
        let store = try PostgresStore(configuration: configuration, logger: Logger(label: "test.postgres"))
        let schema = configuration.schema
        return try await store.withRunning { try await body(store, server, schema) }
    }

    @Test func pointsLandInTimePartitionsCreatedOnDemandAndRetentionDropsWholeOnes() async throws {
        try await withStore({ $0.retention.rawDays = 30; $0.partitionSpan = .seconds(86_400) }) { store, server, schema in
            let now = Date()
            let day: TimeInterval = 86_400
            let times = [now.addingTimeInterval(-29.5 * day), now.addingTimeInterval(-10 * day), now.addingTimeInterval(-1 * day)]
            try await store.write(times.enumerated().map { Sample(device: Self.device, time: $0.element, values: [Self.voltage: .number(Double($0.offset))]) })
            // One partition per day that holds a point (plus today and tomorrow from maintenance).
            let partitions = try await server.psql("SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '\(schema)' AND c.relname LIKE 'point%'")
            #expect(partitions.status == 0, "\(partitions.output)")
            #expect((Int(partitions.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) >= 3)
            let kind = try await server.psql("SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '\(schema)' AND c.relname = 'point'")
            #expect(kind.output.trimmingCharacters(in: .whitespacesAndNewlines) == "p", "point is a partitioned table")
            let oldest = try await server.psql("SELECT min(start_time) <= now() - interval '29 days' FROM \(schema).point_partition")
            #expect(oldest.output.trimmingCharacters(in: .whitespacesAndNewlines) == "t")

            // Five days on, the first point is 34.5 days old: its whole partition is dropped.
            let report = try await store.runMaintenance(now: now.addingTimeInterval(5 * day))
            #expect(report.droppedPartitions >= 1)
            let left = try await store.points(SeriesKey(device: Self.device, field: Self.voltage), from: times[0].addingTimeInterval(-day), to: now)
            #expect(left.map(\.value) == [1, 2])
            let stillOld = try await server.psql("SELECT count(*) FROM \(schema).point_partition WHERE end_time <= now() - interval '25 days'")
            #expect(stillOld.output.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        }
    }

    @Test func concurrentWritersOfOneDeviceKeepRollupsExact() async throws {
        try await withStore { store, server, schema in
            // A second store (another ingest process) on the same schema.
            var configuration = try PostgresStore.Configuration(url: server.url())
            configuration.schema = schema
            let other = try PostgresStore(configuration: configuration, logger: Logger(label: "test.postgres.other"))
            try await other.withRunning {
                let start = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 3_600).rounded(.down) * 3_600 - 86_400)
                // 200 points in one minute, interleaved between the two writers in 40 batches.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for batch in 0..<40 {
                        let writer = batch % 2 == 0 ? store : other
                        let samples = (0..<5).map { index in
                            let n = batch * 5 + index
                            return Sample(device: Self.device, time: start.addingTimeInterval(Double(n) * 0.25), values: [Self.voltage: .number(Double(n))])
                        }
                        group.addTask { try await writer.write(samples) }
                    }
                    try await group.waitForAll()
                }
                let key = SeriesKey(device: Self.device, field: Self.voltage)
                let minute = try await store.aggregates(key, from: start, to: start.addingTimeInterval(60), step: .minute)
                #expect(minute == [AggregatePoint(time: start, min: 0, max: 199, mean: 99.5, last: 199, count: 200)])
                let hour = try await other.aggregates(key, from: start, to: start.addingTimeInterval(3_600), step: .hour)
                #expect(hour.first?.count == 200)
                #expect(hour.first?.last == 199)
            }
        }
    }

    @Test func configurationFromURL() throws {
        let configuration = try PostgresStore.Configuration(url: "postgres://ingest:s%40cret@db.example:6543/fleet?sslmode=require&schema=site_a")
        #expect(configuration.host == "db.example")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "ingest")
        #expect(configuration.password == "s@cret")
        #expect(configuration.database == "fleet")
        #expect(configuration.schema == "site_a")
        #expect(configuration.tls == .require)
        #expect(configuration.displayName.contains("s@cret") == false)
        #expect(try PostgresStore.Configuration(url: "postgres://a:b@h/d", password: "file").password == "file")
        for bad in ["mysql://h/d", "postgres:///d", "postgres://h/d?sslmode=maybe", "postgres://h/d?schema=Bad-Name", "postgres://h/d?pool=3"] {
            #expect(throws: HeliographError.self, "\(bad)") { try PostgresStore.Configuration(url: bad) }
        }
    }

    @Test func wrongPasswordIsAClearError() async throws {
        let server = try await PostgresServer.shared()
        var configuration = try PostgresStore.Configuration(url: server.url(), password: "wrong")
        configuration.schema = uniqueSchema("auth")
        configuration.operationTimeout = .seconds(5)
        let store = try PostgresStore(configuration: configuration, logger: Logger(label: "test.postgres"))
        try await store.withRunning {
            do {
                try await store.write([Sample(device: Self.device, time: Date(), values: [Self.voltage: 50])])
                Issue.record("a write with a wrong password succeeded")
            } catch let error as HeliographError {
                #expect(error.code == .storageFailure)
                #expect("\(error)".contains("127.0.0.1:\(server.port)"), "\(error)")
            }
        }
    }

    /// The database stops in the middle of a run and comes back: writes fail with a clear error, the
    /// sink runner keeps the samples and retries, and every sample ends up stored exactly once.
    @Test(.timeLimit(.minutes(3)))
    func databaseOutageLosesNothing() async throws {
        let server = try await PostgresServer.start()
        do {
            try await outage(server)
        } catch {
            await server.shutdown()
            throw error
        }
        await server.shutdown()
    }

    private func outage(_ server: PostgresServer) async throws {
        var configuration = try PostgresStore.Configuration(url: server.url())
        configuration.schema = "outage"
        configuration.operationTimeout = .seconds(3)
        let logger = Logger(label: "test.postgres.outage")
        let store = try PostgresStore(configuration: configuration, logger: logger)
        let bus = SampleBus(
            sinks: [store],
            configuration: SinkRunner.Configuration(capacity: 100_000, batchSize: 20, flushInterval: .milliseconds(50), initialBackoff: .milliseconds(100), maximumBackoff: .milliseconds(500)),
            logger: logger
        )
        let start = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down) - 3_600)
        @Sendable func samples(_ range: Range<Int>) -> [Sample] {
            range.map { Sample(device: Self.device, time: start.addingTimeInterval(Double($0)), values: [Self.voltage: .number(Double($0)), "mode": "Line"]) }
        }
        let key = SeriesKey(device: Self.device, field: Self.voltage)
        try await store.withRunning {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await bus.run() }
                defer { group.cancelAll() }
                bus.publish(samples(0..<100))
                try await eventually(timeout: .seconds(30), "first 100 stored") {
                    (try? await store.points(key, from: start, to: start.addingTimeInterval(1_000)).count) == 100
                }
                try await server.stop()
                bus.publish(samples(100..<200))
                try await eventually(timeout: .seconds(30), "writes fail while the database is down") {
                    bus.statistics[0].writeErrors > 0
                }
                let statistics = bus.statistics[0]
                #expect(statistics.buffered >= 80, "samples kept while the database is down: \(statistics)")
                let message = statistics.lastError ?? ""
                #expect(message.contains("PostgreSQL at postgres://heliograph@127.0.0.1:\(server.port)"), "clear error: \(message)")
                bus.publish(samples(200..<300))
                try await server.restart()
                try await eventually(timeout: .seconds(60), "every sample stored after the database is back") {
                    (try? await store.points(key, from: start, to: start.addingTimeInterval(1_000)).count) == 300
                }
                let stored = try await store.points(key, from: start, to: start.addingTimeInterval(1_000))
                #expect(stored.map(\.value) == (0..<300).map(Double.init))
                #expect(bus.statistics[0].dropped == 0)
                let minute = try await store.aggregates(key, from: start, to: start.addingTimeInterval(300), step: .minute)
                #expect(minute.map(\.count).reduce(0, +) == 300)
            }
        }
    }
}
