import HeliographCore
import HeliographPostgres
import HeliographSQLite
import Logging
import ServiceLifecycle

import struct Foundation.TimeZone

/// Names the concrete store for a configuration. Only the composition root does this.
enum StoreFactory {
    struct Storage {
        /// Every store keeps the audit log of setting changes beside the samples.
        var store: any SampleStore & AuditLog
        /// The store's own service (maintenance, clean close), run before every other service.
        var service: (any Service)?
    }

    /// `clock` stamps the SQLite store's registrations and cutoffs and paces its maintenance.
    static func makeStore(configuration: HeliographConfiguration, clock: DaemonClock = .wall, logger: Logger) throws -> Storage {
        let timeZone = TimeZone(identifier: configuration.site.timeZone) ?? .current
        switch configuration.storage.backend {
        case .sqlite:
            var storeConfiguration = SQLiteStore.Configuration(path: configuration.storage.path)
            storeConfiguration.retention.rawDays = configuration.storage.retentionDays ?? 0
            storeConfiguration.timeZone = timeZone
            storeConfiguration.now = clock.now
            storeConfiguration.maintenanceInterval = clock.real(storeConfiguration.maintenanceInterval)
            let store = try SQLiteStore(configuration: storeConfiguration, logger: logger)
            return Storage(store: store, service: store)
        case .postgres:
            let store = try PostgresStore(configuration: try postgresConfiguration(configuration.storage, timeZone: timeZone), logger: logger)
            return Storage(store: store, service: store)
        }
    }

    /// The PostgreSQL store's settings from `storage:` (url, password_file, retention_days).
    static func postgresConfiguration(_ storage: HeliographConfiguration.Storage, timeZone: TimeZone) throws -> PostgresStore.Configuration {
        guard let url = storage.url else {
            throw HeliographError(.invalidConfiguration, "storage backend postgres needs storage.url")
        }
        var password: String?
        if let file = storage.passwordFile { password = try HeliographConfiguration.Storage.readPassword(file) }
        var configuration = try PostgresStore.Configuration(url: url, password: password)
        configuration.retention.rawDays = storage.retentionDays ?? 0
        configuration.timeZone = timeZone
        return configuration
    }
}
