import Foundation
import HeliographCore
import HeliographStorageBase
import Logging
import NIOSSL
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The fleet history store: PostgreSQL through PostgresNIO, the same `SampleStore` contract as
/// `SQLiteStore` (one conformance suite proves both).
///
/// Points go to a narrow table range-partitioned by time (a partition per `partitionSpan`, created on
/// demand) or, when TimescaleDB is available, a hypertable with native compression. Batches are
/// inserted with `UNNEST` arrays, one transaction per `write`; 1-minute, 1-hour and 1-day rollups of
/// the touched buckets are recomputed exactly in the same transaction, under a per-device advisory
/// lock so several ingest processes can write the same device. Retention drops whole partitions.
///
/// The store is a `Service`: its `run()` runs the connection pool and the maintenance job, and must
/// be running for any operation to proceed (put it first in the `ServiceGroup`, or use `withRunning`).
/// A database that is down makes operations fail after `operationTimeout` with a `storageFailure`;
/// once the server is back the first failing operation notices and a fresh pool takes over
/// (`PoolRotation`), so recovery does not wait out the old pool's back-off.
public final class PostgresStore: SampleStore, AuditLog, Service {
    public let name = "postgres"
    public let configuration: Configuration
    let logger: Logger
    /// The connection pool, replaced by a fresh one when the server answers again after an outage.
    let pools: PoolRotation
    var client: PostgresClient { pools.client }
    /// Qualified, already validated schema name, spliced into SQL.
    let schema: String
    let setup = SchemaSetup()
    /// Series ids already known to exist, so writes skip the lookup.
    let seriesIDs = Mutex<[SeriesKey: Int32]>([:])
    /// Partition start times (ms) known to exist.
    let knownPartitions = Mutex<Set<Int64>>([])
    private let running = RunOnce()

    /// Prepares the connection pool; nothing connects until `run()` runs.
    /// - Throws: `invalidConfiguration` for bad settings.
    public init(configuration: Configuration, logger: Logger = Logger(label: "heliograph.postgres")) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        self.schema = configuration.schema
        var clientConfiguration = PostgresClient.Configuration(
            host: configuration.host,
            port: configuration.port,
            username: configuration.username,
            password: configuration.password,
            database: configuration.database,
            tls: Self.tls(configuration.tls)
        )
        clientConfiguration.options.maximumConnections = configuration.maximumConnections
        clientConfiguration.options.connectTimeout = min(configuration.operationTimeout, .seconds(10))
        // Background connection trouble is reported through the operations that fail; the pool's own
        // logging goes to trace so a down database does not flood the log.
        var poolLogger = logger
        poolLogger.logLevel = .critical
        self.pools = PoolRotation { [clientConfiguration, poolLogger] in PostgresClient(configuration: clientConfiguration, backgroundLogger: poolLogger) }
    }

    /// True when a new connection to the server succeeds right now (the probe `PoolRotation` makes
    /// before replacing a pool that is still backing off).
    func serverAnswers() async -> Bool {
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch configuration.tls {
            case .disable: tls = .disable
            case .prefer, .require, .verifyFull:
                // Whether the server answers is all that matters here; the pool checks certificates.
                var unverified = TLSConfiguration.makeClientConfiguration()
                unverified.certificateVerification = .none
                tls = .prefer(try NIOSSLContext(configuration: unverified))
            }
        } catch {
            return false
        }
        var probe = PostgresConnection.Configuration(
            host: configuration.host, port: configuration.port, username: configuration.username,
            password: configuration.password, database: configuration.database, tls: tls
        )
        probe.options.connectTimeout = .seconds(2)
        var quiet = logger
        quiet.logLevel = .critical
        do {
            let connection = try await PostgresConnection.connect(configuration: probe, id: 0, logger: quiet)
            try? await connection.close()
            return true
        } catch {
            return false
        }
    }

    private static func tls(_ mode: Configuration.TLSMode) -> PostgresClient.Configuration.TLS {
        var unverified = TLSConfiguration.makeClientConfiguration()
        unverified.certificateVerification = .none
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(unverified)
        case .require: return .require(unverified)
        case .verifyFull: return .require(.makeClientConfiguration())
        }
    }

    // MARK: Service

    /// Runs the connection pool and, every `maintenanceInterval`, retention and partition upkeep,
    /// until graceful shutdown or cancellation. Runs at most once.
    public func run() async throws {
        try running.claim("PostgreSQL store")
        logger.info("PostgreSQL history store starting", metadata: ["storage.database": "\(configuration.displayName)"])
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.pools.run() }
            // The first pass at once sets up the schema and this span's partitions; a failed pass
            // (database down) is retried within 10 s, writes report their own failures.
            let loop = MaintenanceLoop(interval: configuration.maintenanceInterval, firstPassAfter: .zero, retryAfterFailure: .seconds(10))
            await loop.run(logger: logger) { try await self.runMaintenance().metadata }
            group.cancelAll()
        }
        logger.info("PostgreSQL history store closed")
    }

    /// Runs the store's service around `body`, for tools and tests outside a `ServiceGroup`.
    public func withRunning<Result: Sendable>(_ body: @Sendable () async throws -> Result) async throws -> Result {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.run() }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    // MARK: Operations

    /// Runs one store operation once the schema is ready, bounded by `operationTimeout`, turning every
    /// failure into `HeliographError(.storageFailure)` that names the database and what went wrong.
    /// When it fails for want of a connection and a fresh pool was put in place (the server is back
    /// after an outage), it is tried once more at once on the new pool.
    func operation<T: Sendable>(_ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            let result = try await attempt(what, body)
            pools.succeeded()
            return result
        } catch {
            guard !Task.isCancelled, await pools.failed(error, logger: logger, probe: { await self.serverAnswers() }) else { throw error }
            let result = try await attempt(what, body)
            pools.succeeded()
            return result
        }
    }

    /// One try of `operation`.
    private func attempt<T: Sendable>(_ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let timeout = configuration.operationTimeout
        do {
            return try await withTimeout(timeout, what) {
                try await self.prepareSchema()
                return try await body()
            }
        } catch let error as HeliographError {
            switch error.code {
            case .timeout:
                throw HeliographError(
                    .storageFailure,
                    "\(what): PostgreSQL at \(configuration.displayName) did not answer within \(timeout) (server down or unreachable?)",
                    underlying: error
                )
            default:
                throw error
            }
        } catch {
            throw HeliographError(.storageFailure, "\(what) failed: PostgreSQL at \(configuration.displayName): \(Self.describe(error))", underlying: error)
        }
    }

    /// Runs `body` in one transaction on one connection; any error rolls back and is rethrown as is.
    func transaction<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: self.logger)
            do {
                let result = try await body(connection)
                try await connection.query("COMMIT", logger: self.logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: self.logger)
                throw error
            }
        }
    }

    /// A readable account of a PostgresNIO error: the server's message and detail, or the connection
    /// problem underneath. (PSQLError's own description hides both on purpose.)
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let info = error.serverInfo {
                var text = [info[.sqlState].map { "[\($0)]" }, info[.message]].compactMap { $0 }.joined(separator: " ")
                if let detail = info[.detail] { text += " (\(detail))" }
                return text
            }
            if let underlying = error.underlying { return "\(error.code): \(underlying)" }
            return "\(error.code)"
        }
        let text = String(describing: error)
        if text.contains("connectionCreationCircuitBreakerTripped") { return "cannot connect (server down or unreachable)" }
        return text
    }
}

/// Runs the schema set-up once per store, shared by concurrent callers; a failure (database down)
/// is forgotten so the next caller tries again.
actor SchemaSetup {
    private var pending: Task<SchemaLayout, any Error>?

    func ensure(_ make: @escaping @Sendable () async throws -> SchemaLayout) async throws -> SchemaLayout {
        let task: Task<SchemaLayout, any Error>
        if let pending {
            task = pending
        } else {
            task = Task { try await make() }
            pending = task
        }
        do {
            return try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
        } catch {
            if pending == task { pending = nil }
            throw error
        }
    }

    /// Forgets the layout, after the schema was dropped.
    func reset() { pending = nil }
}

/// Facts about the schema read back from the database, which every process sharing it must agree on.
struct SchemaLayout: Sendable, Hashable {
    /// `native` or `timescaledb`.
    var partitioning: String
    /// Partition (or chunk) width in ms.
    var partitionSpan: Int64
}

extension Int64 {
    /// SQL that turns this many ms since 1970 into a timestamptz, exactly (to_timestamp rounds to µs).
    static func sqlTime(_ parameter: String) -> String { "to_timestamp(\(parameter)::float8 / 1000)" }
}

/// SQL reading a timestamptz column as ms since 1970 (int8).
func sqlMilliseconds(_ column: String) -> String { "(extract(epoch FROM \(column)) * 1000)::int8" }
