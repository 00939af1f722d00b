import Foundation
import HeliographCore
import HeliographStorageBase
import Logging
import PostgresNIO

/// Advisory lock keys. The first half is the schema's `hashtext`, so two sites (schemas) in one
/// database never wait for each other's schema, partition or device locks (a slow writer of one site
/// used to hold up every other site's partition creation); the second half says what is locked.
enum AdvisoryLock {
    /// Held while the schema is created or migrated.
    static let schema: Int32 = 1
    /// Held while partitions are created or dropped.
    static let partitions: Int32 = 2
}

extension PostgresStore {
    /// Creates or migrates the schema on first use and learns its layout; concurrent processes
    /// serialise on an advisory lock, so exactly one of them creates it.
    @discardableResult
    func prepareSchema() async throws -> SchemaLayout {
        try await setup.ensure {
            let layout = try await self.transaction { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(self.schema)), \(AdvisoryLock.schema))", logger: self.logger)
                try await self.execute(connection, "CREATE SCHEMA IF NOT EXISTS \(self.schema)")
                try await self.execute(connection, "CREATE TABLE IF NOT EXISTS \(self.schema).migration (name text PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())")
                let applied = try await self.strings(connection, "SELECT name FROM \(self.schema).migration")
                if !applied.contains("v1") {
                    try await self.migrateV1(connection)
                    try await self.execute(connection, "INSERT INTO \(self.schema).migration (name) VALUES ('v1')")
                }
                let meta = try await connection.query(
                    PostgresQuery(unsafeSQL: "SELECT key, value FROM \(self.schema).meta"),
                    logger: self.logger
                )
                var values: [String: String] = [:]
                for try await (key, value) in meta.decode((String, String).self) { values[key] = value }
                guard let partitioning = values["partitioning"], let span = values["partition_span_ms"].flatMap(Int64.init) else {
                    throw HeliographError(.storageFailure, "schema \(self.schema) lacks its layout facts (meta table damaged?)")
                }
                return SchemaLayout(partitioning: partitioning, partitionSpan: span)
            }
            self.logger.info(
                "PostgreSQL schema ready",
                metadata: ["storage.schema": "\(self.schema)", "storage.partitioning": "\(layout.partitioning)", "storage.partition_span_ms": "\(layout.partitionSpan)"]
            )
            return layout
        }
    }

    /// The first schema. Never edit a shipped migration; add a new one.
    private func migrateV1(_ connection: PostgresConnection) async throws {
        let s = schema
        let timescale = try await useTimescale(connection)
        let span = configuration.partitionSpan.components.seconds * 1_000
        var statements = [
            "CREATE TABLE \(s).meta (key text PRIMARY KEY, value text NOT NULL)",
            // Devices: registered descriptors and the span they were seen in. A device written before
            // it was registered has a row with a NULL descriptor.
            """
            CREATE TABLE \(s).device (
                id text PRIMARY KEY CHECK (length(id) > 0),
                descriptor jsonb,
                first_seen timestamptz NOT NULL,
                last_seen timestamptz NOT NULL CHECK (last_seen >= first_seen)
            )
            """,
            """
            CREATE TABLE \(s).series (
                id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                device text NOT NULL CHECK (length(device) > 0),
                field text NOT NULL CHECK (length(field) > 0),
                UNIQUE (device, field)
            )
            """,
            // One narrow row per point. No foreign key to series: it would cost a lookup per inserted
            // row, and series ids are only ever taken from the series table.
            """
            CREATE TABLE \(s).point (
                series_id integer NOT NULL,
                time timestamptz NOT NULL,
                value double precision NOT NULL,
                PRIMARY KEY (series_id, time)
            )\(timescale ? "" : " PARTITION BY RANGE (time)")
            """,
            // The native partitions that exist, so retention and writers need not parse catalog bounds.
            """
            CREATE TABLE \(s).point_partition (
                name text PRIMARY KEY,
                start_time timestamptz NOT NULL UNIQUE,
                end_time timestamptz NOT NULL CHECK (end_time > start_time)
            )
            """,
            // The newest numeric value per series, for latest(device:).
            """
            CREATE TABLE \(s).latest (
                series_id integer PRIMARY KEY REFERENCES \(s).series (id),
                time timestamptz NOT NULL,
                value double precision NOT NULL
            )
            """,
            // Text fields: only the newest value is kept.
            """
            CREATE TABLE \(s).text_latest (
                device text NOT NULL CHECK (length(device) > 0),
                field text NOT NULL CHECK (length(field) > 0),
                time timestamptz NOT NULL,
                value text NOT NULL,
                PRIMARY KEY (device, field)
            )
            """,
            """
            CREATE TABLE \(s).audit (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                time timestamptz NOT NULL,
                device text NOT NULL,
                entry jsonb NOT NULL
            )
            """,
            "CREATE INDEX audit_by_device ON \(s).audit (device, time)",
            "CREATE INDEX audit_by_time ON \(s).audit (time)",
            "INSERT INTO \(s).meta (key, value) VALUES ('partitioning', '\(timescale ? "timescaledb" : "native")'), ('partition_span_ms', '\(span)')",
        ]
        for rollup in Rollup.allCases {
            // sum rather than mean so buckets merge exactly; bucket is the start time.
            statements.append("""
                CREATE TABLE \(s).\(rollup.tableName) (
                    series_id integer NOT NULL,
                    bucket timestamptz NOT NULL,
                    min double precision NOT NULL,
                    max double precision NOT NULL,
                    sum double precision NOT NULL,
                    count integer NOT NULL CHECK (count > 0),
                    last double precision NOT NULL,
                    PRIMARY KEY (series_id, bucket)
                )
                """)
            // Retention deletes by bucket across all series.
            statements.append("CREATE INDEX \(rollup.tableName)_bucket ON \(s).\(rollup.tableName) (bucket)")
        }
        if timescale {
            statements += [
                "SELECT create_hypertable('\(s).point', 'time', chunk_time_interval => interval '\(span / 1_000) seconds')",
                "ALTER TABLE \(s).point SET (timescaledb.compress, timescaledb.compress_segmentby = 'series_id', timescaledb.compress_orderby = 'time')",
                // Chunks are compressed once two partition spans old, leaving room for late points.
                "SELECT add_compression_policy('\(s).point', compress_after => interval '\(2 * span / 1_000) seconds')",
            ]
        }
        for statement in statements { try await execute(connection, statement) }
        logger.info("PostgreSQL schema created", metadata: ["storage.schema": "\(s)", "storage.partitioning": "\(timescale ? "timescaledb" : "native")"])
    }

    /// True when TimescaleDB should serve the points table: allowed by the configuration, installed in
    /// this database or available and preloaded by the server (creating it needs both).
    private func useTimescale(_ connection: PostgresConnection) async throws -> Bool {
        guard configuration.partitioning == .auto else { return false }
        let installed = try await strings(connection, "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'")
        if !installed.isEmpty { return true }
        let available = try await strings(
            connection,
            """
            SELECT name FROM pg_available_extensions WHERE name = 'timescaledb'
                AND current_setting('shared_preload_libraries', true) LIKE '%timescaledb%'
            """
        )
        guard !available.isEmpty else { return false }
        try await execute(connection, "CREATE EXTENSION IF NOT EXISTS timescaledb")
        return true
    }

    // MARK: Small helpers

    /// Runs one statement without parameters and discards any rows.
    func execute(_ connection: PostgresConnection, _ sql: String) async throws {
        try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
    }

    /// The first column of every row, as text.
    func strings(_ connection: PostgresConnection, _ sql: String) async throws -> [String] {
        var result: [String] = []
        for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(String.self) {
            result.append(value)
        }
        return result
    }
}

extension Rollup {
    /// The SQL interval of one bucket.
    var sqlInterval: String {
        switch self {
        case .minute: "interval '1 minute'"
        case .hour: "interval '1 hour'"
        case .day: "interval '86400 seconds'"  // not '1 day': that follows DST in the session's zone
        }
    }
}
