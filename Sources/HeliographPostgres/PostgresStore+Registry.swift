import Foundation
import HeliographCore
import HeliographStorageBase
import PostgresNIO

extension PostgresStore {
    /// Records or replaces a device's descriptor. A new device is first and last seen now; writes
    /// widen that span to the times of its samples.
    public func register(_ descriptor: DeviceDescriptor) async throws {
        let json = try StoreJSON.encode(descriptor)
        let now = Date().storageMilliseconds
        try await operation("registering \(descriptor.id)") {
            try await self.client.withConnection { connection in
                _ = try await self.run(
                    connection,
                    """
                    INSERT INTO \(self.schema).device (id, descriptor, first_seen, last_seen)
                    VALUES ($1, $2::jsonb, \(Int64.sqlTime("$3")), \(Int64.sqlTime("$3")))
                    ON CONFLICT (id) DO UPDATE SET descriptor = excluded.descriptor
                    """,
                    descriptor.id.rawValue, json, now
                )
            }
        }
    }

    /// Registered devices, by id.
    public func devices() async throws -> [RegisteredDevice] {
        try await operation("listing devices") {
            try await self.client.withConnection { connection in
                let rows = try await self.run(
                    connection,
                    """
                    SELECT descriptor::text, \(sqlMilliseconds("first_seen")), \(sqlMilliseconds("last_seen"))
                    FROM \(self.schema).device WHERE descriptor IS NOT NULL ORDER BY id COLLATE "C"
                    """
                )
                var devices: [RegisteredDevice] = []
                for try await (json, firstSeen, lastSeen) in rows.decode((String, Int64, Int64).self) {
                    devices.append(try StoreJSON.registeredDevice(json: json, firstSeen: firstSeen, lastSeen: lastSeen))
                }
                return devices
            }
        }
    }

    // MARK: AuditLog

    public func append(_ entry: AuditEntry) async throws {
        let json = try StoreJSON.encode(entry)
        try await operation("appending to the audit log") {
            try await self.client.withConnection { connection in
                _ = try await self.run(
                    connection,
                    "INSERT INTO \(self.schema).audit (time, device, entry) VALUES (\(Int64.sqlTime("$1")), $2, $3::jsonb)",
                    entry.time.storageMilliseconds, entry.change.device.rawValue, json
                )
            }
        }
    }

    /// Newest first (by entry time, then by order of appending), at most `limit`.
    public func entries(device: DeviceID?, limit: Int) async throws -> [AuditEntry] {
        guard limit > 0 else { return [] }
        return try await operation("reading the audit log") {
            try await self.client.withConnection { connection in
                let rows =
                    if let device {
                        try await self.run(
                            connection,
                            "SELECT entry::text FROM \(self.schema).audit WHERE device = $1 ORDER BY time DESC, id DESC LIMIT $2",
                            device.rawValue, Int64(limit)
                        )
                    } else {
                        try await self.run(connection, "SELECT entry::text FROM \(self.schema).audit ORDER BY time DESC, id DESC LIMIT $1", Int64(limit))
                    }
                var entries: [AuditEntry] = []
                for try await json in rows.decode(String.self) {
                    entries.append(try StoreJSON.decode(AuditEntry.self, from: json))
                }
                return entries
            }
        }
    }
}
