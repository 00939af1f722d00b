import HeliographCore
import Logging
import ServiceLifecycle

/// Names the concrete store for a configuration. Only the composition root does this.
enum StoreFactory {
    struct Storage {
        var store: any SampleStore
        /// The store's own service (maintenance, closing), when it has one.
        var service: (any Service)?
    }

    static func makeStore(configuration: HeliographConfiguration, logger: Logger) throws -> Storage {
        // Replaced by SQLiteStore when HeliographStorage lands on main.
        throw HeliographError(.storageFailure, "this build has no storage engine yet (storage.path \(configuration.storage.path))")
    }
}
