import Foundation
import GRDB
import HeliographCore
import HeliographStorageBase

extension SQLiteStore {
    /// Records or replaces a device's descriptor. A new device is first and last seen now; writes
    /// widen that span to the times of its samples.
    public func register(_ descriptor: DeviceDescriptor) async throws {
        let json = try StoreJSON.encode(descriptor)
        let now = configuration.now().storageMilliseconds
        try await storageOperation("registering \(descriptor.id)") {
            try await database.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO device (id, descriptor, first_seen, last_seen) VALUES (?, ?, ?, ?)
                        ON CONFLICT (id) DO UPDATE SET descriptor = excluded.descriptor
                        """,
                    arguments: [descriptor.id.rawValue, json, now, now]
                )
            }
        }
    }

    /// Registered devices, by id.
    public func devices() async throws -> [RegisteredDevice] {
        try await storageOperation("listing devices") {
            let rows = try await database.read { db in
                try Row.fetchAll(db, sql: "SELECT descriptor, first_seen, last_seen FROM device WHERE descriptor IS NOT NULL ORDER BY id").map { row in
                    (json: row[0] as String, firstSeen: row[1] as Int64, lastSeen: row[2] as Int64)
                }
            }
            return try rows.map { try StoreJSON.registeredDevice(json: $0.json, firstSeen: $0.firstSeen, lastSeen: $0.lastSeen) }
        }
    }

    // MARK: AuditLog

    public func append(_ entry: AuditEntry) async throws {
        let json = try StoreJSON.encode(entry)
        try await storageOperation("appending to the audit log") {
            try await database.write { db in
                try db.execute(
                    sql: "INSERT INTO audit (time, device, entry) VALUES (?, ?, ?)",
                    arguments: [entry.time.storageMilliseconds, entry.change.device.rawValue, json]
                )
            }
        }
    }

    /// Newest first (by entry time, then by order of appending), at most `limit`.
    public func entries(device: DeviceID?, limit: Int) async throws -> [AuditEntry] {
        guard limit > 0 else { return [] }
        return try await storageOperation("reading the audit log") {
            let rows = try await database.read { db in
                if let device {
                    try String.fetchAll(
                        db,
                        sql: "SELECT entry FROM audit WHERE device = ? ORDER BY time DESC, id DESC LIMIT ?",
                        arguments: [device.rawValue, limit]
                    )
                } else {
                    try String.fetchAll(db, sql: "SELECT entry FROM audit ORDER BY time DESC, id DESC LIMIT ?", arguments: [limit])
                }
            }
            return try rows.map { try StoreJSON.decode(AuditEntry.self, from: $0) }
        }
    }
}
