import Foundation
import GRDB
import HeliographCore
import HeliographTesting
import Logging
import Testing

@testable import HeliographSQLite

/// Start-up `PRAGMA quick_check` (issue 13, item 8): a damaged file is refused, untouched.
@Suite("SQLite store integrity check on open")
struct SQLiteStoreIntegrityTests {
    /// A closed store file of a few hundred pages, every page in use (nothing was deleted).
    func writeHistory(at path: String) async throws {
        let store = try SQLiteStore(configuration: .init(path: path), logger: Logger(label: "test"))
        let start = Date(timeIntervalSince1970: 1_699_999_200)
        var random = SplitMix64(seed: 13)
        let samples = (0..<2_000).map { index in
            Sample(
                device: "inv", time: start.addingTimeInterval(Double(index) * 10),
                values: Dictionary(uniqueKeysWithValues: (0..<20).map { (FieldID("field_\($0)_w"), FieldValue.number(Double(random.next() % 10_000))) }))
        }
        try await store.write(samples)
        try store.close()
    }

    @Test("a database with a garbage page in the middle is refused with file, finding and remedy, and left as it was; a healthy one opens")
    func damagedPageIsRefused() async throws {
        let directory = try makeTemporaryDirectory("sqlite-integrity")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("history.sqlite").path
        try await writeHistory(at: path)

        let healthy = try SQLiteStore(configuration: .init(path: path), logger: Logger(label: "test"))
        #expect(try await healthy.latest(device: "inv")?.values.count == 20)
        try healthy.close()

        // VACUUM packs the file, so the page about to be damaged is one in use (a free one is never read).
        let queue = try DatabaseQueue(path: path)
        let (pageSize, pages, free) = try await queue.writeWithoutTransaction { db in
            try db.execute(sql: "VACUUM")
            try db.checkpoint(.truncate)
            return (try Int.fetchOne(db, sql: "PRAGMA page_size")!, try Int.fetchOne(db, sql: "PRAGMA page_count")!, try Int.fetchOne(db, sql: "PRAGMA freelist_count")!)
        }
        try queue.close()
        try #require(pages >= 50 && free == 0, "a file with pages in use throughout: \(pages) pages, \(free) free")
        let handle = try #require(FileHandle(forWritingAtPath: path))
        var random = SplitMix64(seed: 99)
        try handle.seek(toOffset: UInt64(pages / 2 * pageSize))
        try handle.write(contentsOf: Data((0..<pageSize).map { _ in UInt8(truncatingIfNeeded: random.next()) }))
        try handle.close()
        let damagedBytes = try Data(contentsOf: URL(fileURLWithPath: path))

        do {
            _ = try SQLiteStore(configuration: .init(path: path), logger: Logger(label: "test"))
            Issue.record("a damaged database was opened")
        } catch let error as HeliographError {
            #expect(error.code == .storageFailure)
            #expect(error.message.contains(path), "names the file: \(error.message)")
            #expect(error.message.contains("quick_check says:"), "\(error.message)")
            #expect(error.message.contains("restore the newest backup"), "\(error.message)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == damagedBytes, "nothing was written into the damaged file")
    }
}
