import Foundation
import GRDB
import HeliographCore
import HeliographStorageBase
import Logging
import ServiceLifecycle
import Synchronization

/// The default history store: SQLite through GRDB, with compressed chunks, rollups and retention.
///
/// Points land in a narrow head table (one transaction per `write`, WAL, `synchronous=NORMAL`, so
/// everything committed survives a crash). The maintenance job, run by `run()` as a `Service`,
/// compresses closed windows of each series into chunks (`ChunkCodec`) and applies retention. 1-minute,
/// 1-hour and 1-day rollups are kept exact on every write, so `aggregates` is current to the newest point.
///
/// ```swift
/// let store = try SQLiteStore(configuration: .init(path: "/var/lib/heliograph/history.sqlite"), logger: logger)
/// // as a SampleSink and SampleStore; add `store` to the ServiceGroup for maintenance and a clean close.
/// ```
public final class SQLiteStore: SampleStore, AuditLog, Service {
    public let name = "sqlite"
    public let configuration: Configuration
    let logger: Logger
    package let database: any DatabaseWriter
    /// Series ids already known to exist, so writes skip the lookup.
    let seriesIDs = Mutex<[SeriesKey: Int64]>([:])
    private let running = RunOnce()

    /// Opens (creating when missing), checks (`PRAGMA quick_check`, see `checkIntegrity`) and migrates the database.
    /// - Throws: `HeliographError` `.invalidConfiguration` for bad settings, `.storageFailure` when the
    ///   file cannot be created, opened or migrated (missing permissions, not a database) or is damaged;
    ///   a damaged file is left as it was.
    public init(configuration: Configuration, logger: Logger = Logger(label: "heliograph.storage")) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        var grdb = GRDB.Configuration()
        grdb.label = "heliograph.sqlite"
        grdb.busyMode = .timeout(10)
        grdb.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            switch configuration.location {
            case .inMemory:
                database = try DatabaseQueue(configuration: grdb)
            case .file(let path):
                let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                // Before the pool: opening one writes (GRDB creates and drops a table to start the WAL).
                if configuration.checkIntegrityOnOpen { try Self.checkIntegrity(path: path, logger: logger) }
                database = try Self.openPool(path: path, configuration: grdb)
            }
            do {
                try Self.migrator.migrate(database)
            } catch {
                // Another process on the same file (the daemon while `backup` or a test opens it) can apply a
                // migration between GRDB's check and our write ("table already exists"). Once more: applied
                // migrations are skipped now, and the busy timeout waits for the other writer.
                try Self.migrator.migrate(database)
            }
        } catch let error as HeliographError {
            throw error
        } catch {
            if Self.isDamage(error), case .file(let path) = configuration.location {
                throw Self.damaged(path: path, findings: [Self.describe(error)])
            }
            throw HeliographError(
                .storageFailure,
                "cannot open the history database at \(configuration.location.displayName): \(Self.describe(error))",
                underlying: error
            )
        }
        logger.info("history database open", metadata: ["storage.path": "\(configuration.location.displayName)"])
    }

    /// Opens the pool, retrying for up to 5 s while another connection holds a lock SQLite does not
    /// wait for on its own (switching a new file to WAL mode while a second process opens it).
    private static func openPool(path: String, configuration: GRDB.Configuration) throws -> DatabasePool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(5))
        while true {
            do {
                return try DatabasePool(path: path, configuration: configuration)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && clock.now < deadline {
                usleep(20_000)
            }
        }
    }

    // MARK: Service

    /// Runs maintenance every `maintenanceInterval` until graceful shutdown or cancellation, then
    /// checkpoints the WAL into the main file and closes the database.
    public func run() async throws {
        try running.claim("SQLite store")
        let loop = MaintenanceLoop(interval: configuration.maintenanceInterval, firstPassAfter: configuration.maintenanceInterval)
        await loop.run(logger: logger) { try await self.runMaintenance().metadata }
        try close()
    }

    /// Checkpoints the WAL and closes the database; later calls throw `storageFailure`.
    public func close() throws {
        do {
            if database is DatabasePool {
                do {
                    _ = try database.writeWithoutTransaction { try $0.checkpoint(.truncate) }
                } catch {
                    // Another connection (a `heliograph backup`, a second reader) holds the WAL: nothing is
                    // lost, the WAL stays beside the file and the next checkpoint folds it in.
                    logger.notice("WAL not truncated at close; another connection is using the database", metadata: ["error": "\(Self.describe(error))"])
                }
            }
            try database.close()
            logger.info("history database closed")
        } catch {
            throw HeliographError(.storageFailure, "closing the history database failed: \(Self.describe(error))", underlying: error)
        }
    }

    // MARK: Backup

    /// Copies the whole database, consistently and while writes go on, into a new file at `path`.
    public func backup(to path: String) async throws {
        try await storageOperation("backup") {
            let destination = try DatabaseQueue(path: path)
            try self.database.backup(to: destination)
            try destination.close()
        }
    }

    // MARK: Error mapping

    /// Runs `body`, turning database and codec errors into `HeliographError(.storageFailure)`.
    func storageOperation<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as HeliographError {
            throw error
        } catch {
            throw HeliographError(.storageFailure, "\(what) failed: \(Self.describe(error))", underlying: error)
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        if let error = error as? CocoaError { return error.localizedDescription }
        return "\(error)"
    }
}

extension SQLiteStore.Configuration.Location {
    var displayName: String {
        switch self {
        case .file(let path): path
        case .inMemory: ":memory:"
        }
    }
}
