import HeliographCore

/// An `AuditLog` kept in memory, newest first on read.
public actor InMemoryAuditLog: AuditLog {
    private var log: [AuditEntry] = []

    public init() {}

    public func append(_ entry: AuditEntry) async throws { log.append(entry) }

    public func entries(device: DeviceID?, limit: Int) async throws -> [AuditEntry] {
        Array(log.reversed().filter { device == nil || $0.change.device == device }.prefix(max(0, limit)))
    }

    /// Every entry, oldest first.
    public var all: [AuditEntry] { log }
}
