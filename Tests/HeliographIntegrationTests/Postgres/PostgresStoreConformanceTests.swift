import Foundation
import HeliographCore
import HeliographPostgres
import HeliographTesting
import Logging
import Testing

/// The shared store suite, against a real PostgreSQL server started for this test process; each
/// check gets a schema of its own.
@Suite("PostgreSQL store conformance", .enabled(if: PostgresServer.isUsable), .timeLimit(.minutes(5)))
struct PostgresStoreConformanceTests {
    @Test(arguments: SampleStoreConformance.checks.map(\.name))
    func conformance(_ name: String) async throws {
        let server = try await PostgresServer.shared()
        try await SampleStoreConformance.run(name) { options in
            var configuration = try PostgresStore.Configuration(url: server.url())
            configuration.schema = uniqueSchema("conformance")
            configuration.retention.rawDays = options.rawRetentionDays
            configuration.timeZone = options.timeZone
            return try startedSubject(configuration)
        }
    }
}

/// A schema name no other test uses.
func uniqueSchema(_ prefix: String) -> String {
    "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
}

/// A store whose service runs until the subject is closed.
func startedSubject(_ configuration: PostgresStore.Configuration) throws -> SampleStoreConformance.Subject {
    let store = try PostgresStore(configuration: configuration, logger: Logger(label: "test.postgres"))
    let service = Task { try await store.run() }
    return SampleStoreConformance.Subject(
        store: store,
        maintain: { now in try await store.runMaintenance(now: now) },
        close: {
            service.cancel()
            _ = await service.result
        }
    )
}
