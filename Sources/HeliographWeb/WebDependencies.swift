import HeliographControl
import HeliographCore

/// What the web server reads and drives; only the composition root names concrete types.
public struct WebDependencies: Sendable {
    public var store: any SampleStore
    public var feed: any LiveFeed
    /// Nil when no device is controllable: commands then answer 404.
    public var gate: CommandGate?
    public var audit: (any AuditLog)?
    /// Asks the pollers for an immediate round (`POST /api/refresh`); nil when nothing can.
    public var refresh: (@Sendable () async -> Void)?

    public init(
        store: any SampleStore,
        feed: any LiveFeed,
        gate: CommandGate? = nil,
        audit: (any AuditLog)? = nil,
        refresh: (@Sendable () async -> Void)? = nil
    ) {
        self.store = store
        self.feed = feed
        self.gate = gate
        self.audit = audit
        self.refresh = refresh
    }
}
