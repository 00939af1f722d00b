import Foundation
import HeliographCore
import HeliographSQLite
import HeliographTesting
import Logging
import Testing

@Suite("SQLite store conformance")
struct SQLiteStoreConformanceTests {
    @Test(arguments: SampleStoreConformance.checks.map(\.name))
    func conformance(_ name: String) async throws {
        let directory = try makeTemporaryDirectory("sqlite-conformance")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await SampleStoreConformance.run(name) { options in
            let store = try SQLiteStore(
                configuration: .init(
                    location: .file(directory.appendingPathComponent("history.sqlite").path),
                    retention: .init(rawDays: options.rawRetentionDays),
                    timeZone: options.timeZone
                ),
                logger: Logger(label: "test")
            )
            return SampleStoreConformance.Subject(
                store: store,
                maintain: { now in try await store.runMaintenance(now: now) },
                close: { try store.close() }
            )
        }
    }

    @Test func conformanceInMemory() async throws {
        try await SampleStoreConformance.runAll { options in
            let store = try SQLiteStore(
                configuration: .init(location: .inMemory, retention: .init(rawDays: options.rawRetentionDays), timeZone: options.timeZone)
            )
            return SampleStoreConformance.Subject(store: store, maintain: { now in try await store.runMaintenance(now: now) })
        }
    }
}
