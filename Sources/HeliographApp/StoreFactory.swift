import HeliographCore
import HeliographStorage
import Logging
import ServiceLifecycle

import struct Foundation.TimeZone

/// Names the concrete store for a configuration. Only the composition root does this.
enum StoreFactory {
    struct Storage {
        var store: any SampleStore
        /// The store's own service (maintenance, clean close), run before every other service.
        var service: (any Service)?
    }

    static func makeStore(configuration: HeliographConfiguration, logger: Logger) throws -> Storage {
        var storeConfiguration = SQLiteStore.Configuration(path: configuration.storage.path)
        storeConfiguration.retention.rawDays = configuration.storage.retentionDays ?? 0
        storeConfiguration.timeZone = TimeZone(identifier: configuration.site.timeZone) ?? .current
        let store = try SQLiteStore(configuration: storeConfiguration, logger: logger)
        return Storage(store: store, service: store)
    }
}
