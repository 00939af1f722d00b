import Foundation
import GRDB
import Testing

@testable import HeliographSQLite

/// The store's multi-row inserts are cached prepared statements; GRDB's cache never evicts, so the
/// number of distinct statements must stay bounded however the batch sizes vary (the soak found one
/// statement per row count ever seen, several MB after a simulated day).
@Suite struct SQLiteInsertStatementCacheTests {
    @Test func batchesOfEverySizeLeaveABoundedNumberOfPreparedStatements() throws {
        let queue = try DatabaseQueue()
        let total = try queue.write { db in
            try db.execute(sql: "CREATE TABLE head (series_id INTEGER, time INTEGER, bits INTEGER, PRIMARY KEY (series_id, time))")
            var time: Int64 = 0
            var total = 0
            for rowCount in 0...300 {
                let rows: [[any DatabaseValueConvertible]] = (0..<rowCount).map { _ in
                    time += 1
                    return [Int64(1), time, time * 3]
                }
                try SQLiteStore.insertRows(db, "INSERT INTO head (series_id, time, bits) VALUES", columns: 3, rows: rows)
                total += rowCount
            }
            return total
        }
        try queue.read { db in
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM head") == total)
            #expect(try Int.fetchOne(db, sql: "SELECT sum(bits) - 3 * sum(time) FROM head") == 0)
            // 128, 64, …, 1 rows: 8 insert statements (plus whatever GRDB prepared for itself).
            let prepared = try #require(Self.preparedStatements(db))
            #expect(prepared <= 12, "\(prepared) prepared statements after batches of 0 to 300 rows")
        }
    }

    @Test func rowCountsSplitIntoPowersOfTwoThatAddUp() {
        var sizes: Set<Int> = []
        for rowCount in 0...1_000 {
            let counts = SQLiteStore.statementRowCounts(rowCount)
            #expect(counts.reduce(0, +) == rowCount)
            #expect(counts.filter { $0 < SQLiteStore.maximumRowsPerStatement }.count <= 7)
            sizes.formUnion(counts)
        }
        #expect(sizes == [1, 2, 4, 8, 16, 32, 64, 128])
    }

    /// Statements prepared on `db`'s connection and not finalized (`sqlite3_next_stmt`, looked up
    /// at run time from the SQLite GRDB loaded); nil where it cannot be found.
    private static func preparedStatements(_ db: Database) -> Int? {
        typealias NextStatement = @convention(c) (OpaquePointer?, OpaquePointer?) -> OpaquePointer?
        guard let connection = db.sqliteConnection, let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sqlite3_next_stmt") else { return nil }
        let next = unsafeBitCast(symbol, to: NextStatement.self)
        var count = 0
        var statement = next(connection, nil)
        while let current = statement {
            count += 1
            statement = next(connection, current)
        }
        return count
    }
}
