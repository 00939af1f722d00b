import Foundation
import HeliographCore
import HeliographStorageBase

extension PostgresStore {
    /// Where the database is, how to log in, and how long each tier of history is kept.
    public struct Configuration: Sendable {
        /// Encryption of the connection, as libpq's `sslmode` names it.
        public enum TLSMode: String, Sendable, Hashable, CaseIterable {
            /// Plain TCP.
            case disable
            /// TLS when the server offers it, without checking its certificate (libpq's default).
            case prefer
            /// TLS always, without checking the certificate.
            case require
            /// TLS always, certificate checked against the system's trust roots and the host name.
            case verifyFull = "verify-full"
        }

        /// How the points table is time-partitioned.
        public enum Partitioning: String, Sendable, Hashable, CaseIterable {
            /// TimescaleDB hypertable (with native compression) when the extension is available, else native.
            case auto
            /// PostgreSQL declarative range partitions, created on demand.
            case native
        }

        /// How long each tier is kept, in days; 0 keeps it forever (the same for both stores).
        public typealias Retention = StoreRetention

        public var host: String
        public var port: Int
        public var username: String
        public var password: String?
        public var database: String
        /// Every table lives in this schema (created when missing), so the database can be shared.
        public var schema: String
        public var tls: TLSMode
        public var retention: Retention
        public var partitioning: Partitioning
        /// Width of one partition (or TimescaleDB chunk) of the points table; fixed when the schema is created.
        public var partitionSpan: Duration
        /// How often the maintenance job (retention, next partitions) runs while the store is a running service.
        public var maintenanceInterval: Duration
        /// Longest one store operation may take, waiting for a connection included; a database that is
        /// down fails writes after this (the sink runner keeps the samples and retries).
        public var operationTimeout: Duration
        /// Most connections the store opens.
        public var maximumConnections: Int
        /// The site's time zone: daily energy is summed per local calendar day in it.
        public var timeZone: TimeZone
        public var energy: EnergyRules

        public init(
            host: String = "127.0.0.1",
            port: Int = 5432,
            username: String = "heliograph",
            password: String? = nil,
            database: String = "heliograph",
            schema: String = "heliograph",
            tls: TLSMode = .prefer,
            retention: Retention = Retention(),
            partitioning: Partitioning = .auto,
            partitionSpan: Duration = .seconds(7 * 86_400),
            maintenanceInterval: Duration = .seconds(300),
            operationTimeout: Duration = .seconds(30),
            maximumConnections: Int = 8,
            timeZone: TimeZone = .current,
            energy: EnergyRules = EnergyRules()
        ) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.database = database
            self.schema = schema
            self.tls = tls
            self.retention = retention
            self.partitioning = partitioning
            self.partitionSpan = partitionSpan
            self.maintenanceInterval = maintenanceInterval
            self.operationTimeout = operationTimeout
            self.maximumConnections = maximumConnections
            self.timeZone = timeZone
            self.energy = energy
        }

        /// Reads a `postgres://user:password@host:port/database?sslmode=...&schema=...` URL (also
        /// `postgresql://`). A password given here wins over one in the URL (it comes from `password_file`).
        /// - Throws: `invalidConfiguration` naming what is wrong with the URL.
        public init(url: String, password: String? = nil) throws(HeliographError) {
            guard let components = URLComponents(string: url), let scheme = components.scheme,
                scheme == "postgres" || scheme == "postgresql"
            else {
                throw HeliographError(.invalidConfiguration, "storage url must look like postgres://user@host:5432/database; got '\(Self.redacted(url))'")
            }
            guard let host = components.host, !host.isEmpty else {
                throw HeliographError(.invalidConfiguration, "storage url has no host: '\(Self.redacted(url))'")
            }
            self.init(host: host)
            if let port = components.port { self.port = port }
            // URLComponents hands user, password and path back already percent-decoded.
            if let user = components.user, !user.isEmpty { username = user }
            self.password = password ?? components.password
            let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
            if !path.isEmpty { database = path }
            for item in components.queryItems ?? [] {
                switch item.name {
                case "sslmode":
                    guard let mode = TLSMode(rawValue: item.value ?? "") else {
                        throw HeliographError(
                            .invalidConfiguration,
                            "storage url: sslmode must be one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", ")); got '\(item.value ?? "")'"
                        )
                    }
                    tls = mode
                case "schema":
                    schema = item.value ?? ""
                default:
                    throw HeliographError(.invalidConfiguration, "storage url: unknown parameter '\(item.name)' (known: sslmode, schema)")
                }
            }
            try validate()
        }

        /// Checks the values make sense; throws `invalidConfiguration` otherwise.
        public func validate() throws(HeliographError) {
            guard !host.isEmpty, (1...65_535).contains(port) else {
                throw HeliographError(.invalidConfiguration, "storage: PostgreSQL host must be set and port be 1-65535")
            }
            guard !username.isEmpty, !database.isEmpty else {
                throw HeliographError(.invalidConfiguration, "storage: PostgreSQL user and database must be set")
            }
            // The schema is spliced into SQL as an identifier, so it is restricted to plain names.
            guard Self.isPlainIdentifier(schema) else {
                throw HeliographError(.invalidConfiguration, "storage: schema must be a lower-case name (a-z, 0-9, _; not starting with a digit); got '\(schema)'")
            }
            try retention.validate()
            guard partitionSpan >= .seconds(3_600), partitionSpan.components.seconds % 3_600 == 0, partitionSpan.components.attoseconds == 0 else {
                throw HeliographError(.invalidConfiguration, "storage partition span must be a whole number of hours")
            }
            guard maintenanceInterval > .zero, operationTimeout > .zero, maximumConnections >= 1 else {
                throw HeliographError(.invalidConfiguration, "storage maintenance interval, operation timeout and connections must be positive")
            }
        }

        /// Where the store connects, without secrets, for logs and errors.
        public var displayName: String { "postgres://\(username)@\(host):\(port)/\(database) (schema \(schema))" }

        static func isPlainIdentifier(_ name: String) -> Bool {
            guard let first = name.unicodeScalars.first, name.count <= 48, !("0"..."9").contains(first) else { return false }
            return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
        }

        /// The URL with its password replaced, for messages.
        static func redacted(_ url: String) -> String {
            guard var components = URLComponents(string: url), components.password != nil else { return url }
            components.password = "***"
            return components.string ?? "(url)"
        }
    }
}
