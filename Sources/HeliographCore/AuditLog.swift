import struct Foundation.Date

/// One attempted setting change, whatever its outcome: who, what, when, and what happened.
public struct AuditEntry: Sendable, Hashable, Codable {
    public var time: Date
    /// The authenticated caller (`token:<name>`, `user:<name>`, `mqtt`, `rule:<name>`).
    public var actor: String
    public var change: SettingChange
    public var dryRun: Bool
    /// `applied`, `rejected`, `failed`, `dry-run`.
    public var result: String
    public var message: String
    public var readBack: SettingValue?

    public init(
        time: Date,
        actor: String,
        change: SettingChange,
        dryRun: Bool,
        result: String,
        message: String,
        readBack: SettingValue? = nil
    ) {
        self.time = time
        self.actor = actor
        self.change = change
        self.dryRun = dryRun
        self.result = result
        self.message = message
        self.readBack = readBack
    }
}

/// Durable record of every setting change, kept beside the history.
public protocol AuditLog: Sendable {
    func append(_ entry: AuditEntry) async throws
    /// Newest first.
    func entries(device: DeviceID?, limit: Int) async throws -> [AuditEntry]
}
