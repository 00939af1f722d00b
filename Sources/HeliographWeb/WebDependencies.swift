import HeliographControl
import HeliographCore
import HeliographEnergy

/// What the web server reads and drives; only the composition root names concrete types.
public struct WebDependencies: Sendable {
    public var store: any SampleStore
    public var feed: any LiveFeed
    /// Nil when no device is controllable: commands then answer 404.
    public var gate: CommandGate?
    public var audit: (any AuditLog)?
    /// Asks the pollers for an immediate round (`POST /api/refresh`) and returns how many devices
    /// were asked; nil when nothing can.
    public var refresh: (@Sendable () async -> Int)?
    /// What the poller knows about a device; nil falls back to "a sample within the last two minutes".
    public var health: (@Sendable (DeviceID) -> DeviceStatus?)?
    /// Load switching and alerts, when configured.
    public var automation: (any AutomationReport)?
    /// The hourly forecast of each weather source, newest fetch; nil when there is none.
    public var forecasts: (@Sendable () -> [WeatherForecast])?
    /// Pollers, sinks and readiness for `/health`, `/ready` and `/stats`; nil reports storage only.
    public var status: (any DaemonStatusProvider)?
    /// The Prometheus text exposition for `/metrics`; nil answers 404 (metrics disabled).
    public var metrics: (@Sendable () async -> [UInt8])?
    /// `/api/v1/energy`: the site's time zone, gap limits and tariff over the store; nil uses the
    /// store in this machine's time zone without a tariff.
    public var energy: EnergyReporter?

    public init(
        store: any SampleStore,
        feed: any LiveFeed,
        gate: CommandGate? = nil,
        audit: (any AuditLog)? = nil,
        refresh: (@Sendable () async -> Int)? = nil,
        health: (@Sendable (DeviceID) -> DeviceStatus?)? = nil,
        automation: (any AutomationReport)? = nil,
        status: (any DaemonStatusProvider)? = nil,
        metrics: (@Sendable () async -> [UInt8])? = nil,
        forecasts: (@Sendable () -> [WeatherForecast])? = nil,
        energy: EnergyReporter? = nil
    ) {
        self.store = store
        self.feed = feed
        self.gate = gate
        self.audit = audit
        self.refresh = refresh
        self.health = health
        self.automation = automation
        self.status = status
        self.metrics = metrics
        self.forecasts = forecasts
        self.energy = energy
    }
}
