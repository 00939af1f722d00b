import Foundation
import HeliographControl
import HeliographCore
import HeliographDevices
import HeliographEnergy
import HeliographAutomation
import HeliographFleet
import HeliographHomeAssistant
import HeliographMQTTCodec
import HeliographPipeline
import HeliographPrometheus
import HeliographWeb
import Logging
import ServiceLifecycle

/// The running parts of one daemon, for the CLI, tests and front ends (web, MQTT) that need to see
/// the store, the live feed or device status.
public struct Daemon: Sendable {
    /// Every service in dependency order; run it, and SIGTERM/SIGINT drain and close cleanly.
    public let group: ServiceGroup
    public let configuration: HeliographConfiguration
    /// The history store, which also keeps the audit log of setting changes.
    public let store: any SampleStore & AuditLog
    /// Fan-out to the sinks, and the live feed for WebSocket clients.
    public let bus: SampleBus
    /// Device availability and poll counters.
    public let poller: Poller
    /// The broker connection and Home Assistant publisher, when `mqtt:` is configured.
    public var mqtt: DaemonMQTT? = nil
    /// Renders `/metrics`; nil when `metrics.enabled` is false.
    public var metrics: PrometheusExporter? = nil
}

/// Adds services that sit on top of the pipeline (HTTP, MQTT publisher). Called once while the
/// daemon is built; the services it returns start after the pollers and stop first.
///
/// This is the hook for front ends: the web engineer passes one that builds the HTTP server from
/// `daemon.store`, `daemon.bus` (live feed) and `daemon.poller` (status).
public typealias FrontEndFactory = @Sendable (DaemonParts) throws -> [any Service]

/// What a `FrontEndFactory` may use.
public struct DaemonParts: Sendable {
    public let configuration: HeliographConfiguration
    /// The history store, which also keeps the audit log of setting changes.
    public let store: any SampleStore & AuditLog
    public let liveFeed: any LiveFeed
    public let bus: SampleBus
    public let poller: Poller
    public let logger: Logger
    /// The shared, running MQTT connection (`mqtt.client`) when `mqtt:` is configured.
    public var mqtt: DaemonMQTT? = nil
    /// Load switching and alerts, for the web page; nil when none are configured.
    public var automation: (any AutomationReport)? = nil
    /// The one door for setting changes (web, MQTT, rules); the daemon always sets it.
    public var gate: CommandGate? = nil
    /// Renders `/metrics`; nil when `metrics.enabled` is false.
    public var metrics: PrometheusExporter? = nil
    /// Components outside the pipeline that `/health` reports (the InfluxDB spool).
    public var healthChecks: [@Sendable () async -> ComponentHealth] = []
    /// The daemon's one energy reporter, shared with the lifetime totals so both keep the same days.
    public var energy: EnergyReporter? = nil
}

/// Builds every service the configuration asks for, in dependency order, as one `ServiceGroup`.
///
/// Order: storage → MQTT client → sample bus (one runner per sink) → pollers → front ends.
/// Shutdown runs in reverse: front ends stop, pollers finish their current poll, the bus drains
/// its buffers into the store and the MQTT client, the client says goodbye, and the store closes last.
public func buildServices(
    configuration: HeliographConfiguration,
    logger: Logger,
    frontEnds: FrontEndFactory? = nil
) async throws -> ServiceGroup {
    try await buildDaemon(configuration: configuration, logger: logger, frontEnds: frontEnds).group
}

/// Like `buildServices`, but also hands back the parts for callers that inspect them.
/// `leadingServices` run before storage and stop after it (the demo's simulated devices).
/// `clock` is the wall clock except in the soak benchmark (simulated time, see `DaemonClock`).
/// `switchPublisher` drives load switches when no `mqtt:` is configured (the demo's simulated relays).
public func buildDaemon(
    configuration: HeliographConfiguration,
    logger: Logger,
    sinkConfiguration: SinkRunner.Configuration = SinkRunner.Configuration(),
    leadingServices: [any Service] = [],
    clock: DaemonClock = .wall,
    malloc: MallocPolicy = .daemon,
    switchPublisher: (any MessagePublisher)? = nil,
    frontEnds: FrontEndFactory? = nil
) async throws -> Daemon {
    _ = Observability.instruments  // bootstraps swift-metrics before any instrument is made
    let storage = try StoreFactory.makeStore(configuration: configuration, clock: clock, logger: logger)
    let siteTimeZone = TimeZone(identifier: configuration.site.timeZone) ?? .current
    let client = try configuration.mqtt.map { try DaemonMQTT.makeClient($0, storagePath: configuration.storage.path, logger: logger) }
    let context = DeviceContext(
        timeZone: siteTimeZone, siteLatitude: configuration.site.latitude, siteLongitude: configuration.site.longitude, mqtt: client, now: clock.now,
        store: storage.store, logger: logger)
    var devices = try configuration.devices.map {
        try DeviceFamilies.makeDevice($0, context: context)
    }
    let gate = DaemonControl.makeGate(devices: devices, audit: storage.store, commandsPerMinute: configuration.http.commandsPerMinute, logger: logger)
    let mqtt = try configuration.mqtt.flatMap { mqtt in
        try client.map { try DaemonMQTT.make(mqtt, client: $0, devices: configuration.devices, gate: gate, logger: logger) }
    }
    let qos: QoS = configuration.mqtt?.qos == 0 ? .atMostOnce : .atLeastOnce
    var sinks: [any SampleSink] = [storage.store] + (mqtt?.sinks ?? [])
    let weatherDevices = Set(configuration.devices.filter { $0.options is OpenMeteoOptions }.map(\.id))
    if let mqtt, !weatherDevices.isEmpty {
        sinks.append(WeatherTopicSink(client: mqtt.client, devices: weatherDevices, qos: qos))
    }
    let fieldGauges = configuration.metrics.enabled ? Observability.fieldGauges(configuration.metrics) : nil
    if let fieldGauges { sinks.append(fieldGauges) }
    let influxDB = try configuration.influxDB.map { try Observability.influxDBSink($0, logger: logger) }
    if let influxDB { sinks.append(influxDB) }
    if let mqtt, configuration.fleet.publish { sinks.append(FleetWiring.publisher(mqtt: mqtt, logger: logger)) }
    let bus = SampleBus(sinks: sinks, configuration: sinkConfiguration, logger: logger)
    var ingest: FleetIngest?
    if let mqtt, configuration.fleet.ingest == .mqtt {
        ingest = FleetWiring.ingest(configuration.fleet, mqtt: mqtt, bus: bus, store: storage.store, logger: logger)
    }
    if let solar = configuration.solar {
        devices.append(try SolarEstimateFactory.makeSolarEstimate(solar, site: configuration.site, devices: devices, feed: bus))
    }
    let poller = Poller(devices: devices, bus: bus, store: storage.store, logger: logger)
    let energyCounters = configuration.metrics.enabled ? EnergyCounters() : nil
    let metrics = configuration.metrics.enabled ? Observability.exporter(fields: fieldGauges, energy: energyCounters, poller: poller, store: storage.store) : nil
    let automation = try AutomationFactory.make(
        configuration: configuration,
        feed: bus,
        audit: storage.store,
        publisher: mqtt.map { MQTTMessagePublisher(client: $0.client, qos: qos) as any MessagePublisher } ?? switchPublisher,
        logger: logger
    )

    // Leading services (the demo's simulators) start first and stop last.
    var services: [ServiceGroupConfiguration.ServiceConfiguration] = leadingServices.map { .init(service: $0) }
    if let service = storage.service {
        services.append(.init(service: service))
    }
    if let trimmer = malloc.apply(clock: clock, logger: logger) { services.append(.init(service: trimmer)) }
    // The MQTT client starts before the bus and stops after it, so the bus can drain into it.
    if let mqtt { services.append(.init(service: mqtt.client)) }
    // The InfluxDB sender runs beside the bus; it stops after the bus drained into its spool.
    if let influxDB { services.append(.init(service: influxDB)) }
    services.append(.init(service: bus))
    for service in mqtt?.services ?? [] { services.append(.init(service: service)) }
    // Fleet ingest feeds the bus, so it starts after it and stops before it drains.
    if let ingest { services.append(.init(service: ingest)) }
    // Rules subscribe to the live feed before the first poll.
    for service in automation.services { services.append(.init(service: service)) }
    for case let service? in devices.map(\.service) { services.append(.init(service: service)) }
    services.append(.init(service: poller))
    if let mqtt, mqtt.configuration.discovery, mqtt.configuration.diagnostics {
        services.append(.init(service: MQTTDiagnostics(sink: mqtt.sink, poller: poller, bus: bus, store: storage.store, logger: logger)))
    }
    let energyReporter = WebFrontEnd.energyReporter(configuration, store: storage.store)
    if let energy = EnergyTotalsService.make(
        configuration: configuration, reporter: energyReporter, mqtt: mqtt, counters: energyCounters, now: clock.now, logger: logger)
    {
        services.append(.init(service: energy))
    }
    if let heartbeat = configuration.heartbeat {
        let store = storage.store
        services.append(.init(service: Heartbeat(configuration: heartbeat, logger: logger) {
            await Heartbeat.problems(poller: poller, store: store, window: heartbeat.interval)
        }))
    }
    if let metrics, let directory = configuration.metrics.textfileDirectory {
        let url = URL(fileURLWithPath: directory)
        services.append(.init(service: TextfileWriter(directory: url, interval: configuration.metrics.textfileInterval, exporter: metrics, logger: logger)))
    }
    if let frontEnds {
        var healthChecks: [@Sendable () async -> ComponentHealth] = []
        if let influxDB { healthChecks.append { Observability.health(of: influxDB) } }
        if let mqtt { healthChecks.append { Observability.health(of: mqtt) } }
        var parts = DaemonParts(
            configuration: configuration, store: storage.store, liveFeed: bus, bus: bus, poller: poller, logger: logger, mqtt: mqtt, gate: gate,
            metrics: metrics, healthChecks: healthChecks
        )
        parts.automation = automation.overview
        parts.energy = energyReporter
        for service in try frontEnds(parts) { services.append(.init(service: service)) }
    }
    let group = ServiceGroup(
        configuration: ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
    )
    return Daemon(group: group, configuration: configuration, store: storage.store, bus: bus, poller: poller, mqtt: mqtt, metrics: metrics)
}
