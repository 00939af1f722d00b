import GRDB
import HeliographCore
import HeliographStorageBase

extension SQLiteStore {
    /// The schema, as named migrations applied in order. Never edit a shipped migration; add a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // Devices: registered descriptors (JSON) and the span they were seen in (ms since 1970).
            // A device written before it was registered has a row with a NULL descriptor.
            try db.execute(sql: """
                CREATE TABLE device (
                    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) > 0),
                    descriptor TEXT,
                    first_seen INTEGER NOT NULL,
                    last_seen INTEGER NOT NULL CHECK (last_seen >= first_seen)
                );
                CREATE TABLE series (
                    id INTEGER PRIMARY KEY,
                    device TEXT NOT NULL CHECK (length(device) > 0),
                    field TEXT NOT NULL CHECK (length(field) > 0),
                    UNIQUE (device, field)
                );
                -- Newest points, one narrow row each; the value is the double's bit pattern so every
                -- value (NaN, -0.0) survives exactly. Compaction moves closed windows into chunk.
                CREATE TABLE head (
                    series_id INTEGER NOT NULL REFERENCES series(id),
                    time INTEGER NOT NULL,
                    bits INTEGER NOT NULL,
                    PRIMARY KEY (series_id, time)
                ) WITHOUT ROWID;
                -- Compressed runs of points (ChunkCodec); start and end are the first and last point times.
                CREATE TABLE chunk (
                    id INTEGER PRIMARY KEY,
                    series_id INTEGER NOT NULL REFERENCES series(id),
                    start_time INTEGER NOT NULL,
                    end_time INTEGER NOT NULL,
                    count INTEGER NOT NULL CHECK (count > 0),
                    data BLOB NOT NULL,
                    CHECK (end_time >= start_time),
                    UNIQUE (series_id, start_time)
                );
                -- Covers statistics (point count, oldest, newest) without reading the blobs.
                CREATE INDEX chunk_span ON chunk(start_time, end_time, count);
                -- The newest numeric value per series, for latest(device:).
                CREATE TABLE latest (
                    series_id INTEGER PRIMARY KEY NOT NULL REFERENCES series(id),
                    time INTEGER NOT NULL,
                    bits INTEGER NOT NULL
                );
                -- Text fields: only the newest value is kept.
                CREATE TABLE text_latest (
                    device TEXT NOT NULL CHECK (length(device) > 0),
                    field TEXT NOT NULL CHECK (length(field) > 0),
                    time INTEGER NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (device, field)
                ) WITHOUT ROWID;
                CREATE TABLE audit (
                    id INTEGER PRIMARY KEY,
                    time INTEGER NOT NULL,
                    device TEXT NOT NULL,
                    entry TEXT NOT NULL
                );
                CREATE INDEX audit_by_device ON audit(device, time);
                CREATE INDEX audit_by_time ON audit(time);
                -- Small key/value facts about the store (longest chunk duration, for range lookups).
                CREATE TABLE meta (
                    key TEXT PRIMARY KEY NOT NULL,
                    value INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
            for rollup in Rollup.allCases {
                // sum rather than mean so buckets merge exactly; bucket is the start time in ms.
                try db.execute(sql: """
                    CREATE TABLE \(rollup.tableName) (
                        series_id INTEGER NOT NULL REFERENCES series(id),
                        bucket INTEGER NOT NULL,
                        min REAL NOT NULL,
                        max REAL NOT NULL,
                        sum REAL NOT NULL,
                        count INTEGER NOT NULL CHECK (count > 0),
                        last REAL NOT NULL,
                        PRIMARY KEY (series_id, bucket)
                    ) WITHOUT ROWID
                    """)
            }
        }
        return migrator
    }
}
