import Foundation
import HeliographApp
import HeliographAutomation
import HeliographCore
import HeliographDevices
import HeliographWeather
import Logging
import ServiceLifecycle
import Synchronization

/// What `heliograph demo` runs.
public struct DemoOptions: Sendable {
    /// Where the database goes; nil makes a new temporary directory.
    public var dataDirectory: String?
    public var inverters: Int
    public var interval: Duration
    /// Stop after this long; nil runs until SIGINT/SIGTERM.
    public var duration: Duration?
    /// Front ends (web UI) to start with the demo. The web engineer plugs the HTTP server in here.
    public var frontEnds: FrontEndFactory?
    /// Days of history written before the first poll (0: start empty).
    public var historyDays: Int
    /// How many times faster than real time the simulated sun, weather and household run.
    public var speed: Double

    public init(
        dataDirectory: String? = nil, inverters: Int = 1, interval: Duration = .seconds(2), duration: Duration? = nil, frontEnds: FrontEndFactory? = nil,
        historyDays: Int = 30, speed: Double = 1
    ) {
        self.dataDirectory = dataDirectory
        self.inverters = inverters
        self.interval = interval
        self.duration = duration
        self.frontEnds = frontEnds
        self.historyDays = historyDays
        self.speed = speed
    }
}

/// Heliograph with no hardware: simulated PI30 inverters on ptys, the real driver, the real store,
/// a simulated weather station and a load switch on a simulated relay; the store starts with
/// `historyDays` of history (`DemoHistory`), so every page is full on first look.
public enum Demo {
    /// Runs until SIGINT/SIGTERM or `options.duration`; `say` prints progress for a person.
    public static func run(_ options: DemoOptions, logger: Logger = Logger(label: "heliograph.demo"), say: @escaping @Sendable (String) -> Void) async throws {
        let directory = try options.dataDirectory ?? makeDataDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let databasePath = URL(fileURLWithPath: directory).appendingPathComponent("heliograph.sqlite").path
        say("Heliograph demo: \(options.inverters) simulated PI30 inverter(s), data in \(databasePath)")
        let site = DemoSite()
        // Simulated time starts now and runs `speed` times faster; the history ends where it starts.
        let origin = Date()
        let clock = site.clock(origin: origin, speed: options.speed)

        // Start the simulators in their own group first: the drivers need their pty paths.
        let paths = Mutex<[Int: String]>([:])
        let (ready, readyContinuation) = AsyncStream.makeStream(of: Void.self)
        var simulatorLogger = logger
        simulatorLogger.logLevel = max(logger.logLevel, .warning)
        let simulators = (0..<options.inverters).map { index in
            PI30SimulatorService(simulator: site.simulator(index), configuration: .init(clock: clock), logger: simulatorLogger) { path in
                paths.withLock { $0[index] = path }
                readyContinuation.yield()
            }
        }
        let simulatorGroup = ServiceGroup(services: simulators, logger: simulatorLogger)
        let failure: (any Error)? = await withTaskGroup(of: DemoPart.Ended.self) { tasks -> (any Error)? in
            tasks.addTask { await DemoPart.simulators.run { try await simulatorGroup.run() } }
            var readyCount = 0
            for await _ in ready {
                readyCount += 1
                if readyCount == options.inverters { break }
            }
            let ptys = paths.withLock { $0 }
            var configuration = HeliographConfiguration()
            configuration.site.name = "Demo"
            configuration.site.timeZone = site.timeZone
            configuration.storage.path = databasePath
            for index in 0..<options.inverters {
                let id = DeviceID("inverter\(index + 1)")
                let port = ptys[index] ?? ""
                say("  \(id): simulated PI30 on \(port)  (try: heliograph query --device \(port) QPIGS)")
                configuration.devices.append(
                    DeviceConfiguration(id: id, type: "pi30", interval: options.interval, timeout: .seconds(5), options: PI30Options(port: port))
                )
            }
            configuration.devices.append(
                DeviceConfiguration(
                    id: Self.weatherDevice, type: DeviceFamily.simulatedWeather.name, interval: max(options.interval, .seconds(10)), timeout: .seconds(5),
                    options: SimulatedWeatherOptions(seed: site.seed, speed: options.speed, clockOrigin: origin)
                )
            )
            addDemoAutomation(to: &configuration, site: site, inverters: options.inverters, interval: options.interval)
            // The history's readings are minutes apart, not a poll interval: energy integrates across them.
            let historyStep = Duration.seconds(DemoHistory().step)
            configuration.energyGapPolls = max(configuration.energyGapPolls, 3 * (historyStep / options.interval))
            say("  solar: \(site.array.peakPowerKW.formatted()) kWp facing south per inverter at Greenwich, simulated weather; switch \(Self.switchID) on spare sun; alerts on low battery and silent inverters")
            if options.speed != 1 { say("  simulated time runs \(options.speed.formatted())× faster than real time") }
            let daemon: Daemon
            do {
                // The history is made and stored while the daemon runs (DemoHistoryWriter); the live
                // inverters then take over the battery where it left off.
                var frontEnds = options.frontEnds
                if options.historyDays > 0 {
                    let days = options.historyDays, inverters = options.inverters
                    let writer = { @Sendable (store: any SampleStore) in
                        DemoHistoryWriter(
                            make: {
                                try await DemoHistory(days: days).generate(
                                    inverters: (0..<inverters).map { (DeviceID("inverter\($0 + 1)"), site.simulator($0)) },
                                    weather: (Self.weatherDevice, site.sky),
                                    end: origin
                                )
                            },
                            made: { history in
                                for (index, simulator) in simulators.enumerated() {
                                    let charge = history.simulators[DeviceID("inverter\(index + 1)")]?.state.stateOfCharge
                                    simulator.updateState { state in charge.map { state.stateOfCharge = $0 } }
                                }
                            },
                            store: store,
                            say: say
                        )
                    }
                    frontEnds = { [frontEnds] parts in try (frontEnds?(parts) ?? []) + [writer(parts.store)] }
                }
                daemon = try await buildDaemon(configuration: configuration, logger: logger, switchPublisher: DemoRelays(), frontEnds: frontEnds)
            } catch {
                await simulatorGroup.triggerGracefulShutdown()
                tasks.cancelAll()
                return error
            }
            tasks.addTask { await DemoPart.daemon.run { try await daemon.group.run() } }
            tasks.addTask { await DemoPart.report.run { await report(daemon, every: options.interval, say: say) } }
            if let duration = options.duration {
                tasks.addTask {
                    await DemoPart.timer.run {
                        try await Task.sleep(for: duration)
                        await daemon.group.triggerGracefulShutdown()
                    }
                }
            }
            // Whatever ends first (SIGINT/SIGTERM ends the daemon group, or the duration, or a
            // failure) stops the daemon gracefully; only once it has stopped are the simulators and
            // the report stopped. Cancelling the daemon instead would cut its web server off mid-accept.
            var failure: (any Error)?
            while let ended = await tasks.next() {
                if let error = ended.error, failure == nil { failure = error }
                if ended.part == .daemon { break }
                await daemon.group.triggerGracefulShutdown()
            }
            await simulatorGroup.triggerGracefulShutdown()
            tasks.cancelAll()
            while await tasks.next() != nil {}
            let written = daemon.bus.statistics.filter { $0.sink == daemon.store.name }.map(\.written).reduce(0, +)
            say("Stopped after storing \(written) samples in \(databasePath)")
            return failure
        }
        if let failure { throw failure }
    }

    /// The concurrent parts of a demo, so the one that ended is known (the daemon is waited for).
    enum DemoPart: Sendable {
        case simulators, daemon, report, timer

        struct Ended: Sendable {
            let part: DemoPart
            let error: (any Error)?
        }

        func run(_ body: @Sendable () async throws -> Void) async -> Ended {
            do {
                try await body()
                return Ended(part: self, error: nil)
            } catch is CancellationError {
                return Ended(part: self, error: nil)
            } catch {
                return Ended(part: self, error: error)
            }
        }
    }

    private static func report(_ daemon: Daemon, every interval: Duration, say: @Sendable (String) -> Void) async {
        var lastWritten = 0
        while !Task.isCancelled {
            do { try await Task.sleep(for: max(interval, .seconds(1))) } catch { return }
            let written = daemon.bus.statistics.filter { $0.sink == daemon.store.name }.map(\.written).reduce(0, +)
            let devices = daemon.poller.status.map { "\($0.device)=\($0.availability.rawValue)" }.joined(separator: " ")
            if written != lastWritten || written == 0 {
                say("  \(written) samples stored; \(devices)")
                lastWritten = written
            }
        }
    }

    private static func makeDataDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("heliograph-demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }
}

extension Demo {
    /// The demo's weather station.
    static let weatherDevice: DeviceID = "weather"
    /// The demo's load switch: an immersion heater that soaks up spare sun.
    static let switchID = "immersion-heater"

    /// The expected-output estimate (the site's array per simulated inverter), a load switch and a few
    /// alerts, so the dashboard's actual-vs-expected chart and the Automation page have something to
    /// show. The switch's relay is simulated (`DemoRelays`): the demo has no broker.
    static func addDemoAutomation(to configuration: inout HeliographConfiguration, site: DemoSite, inverters: Int, interval: Duration) {
        configuration.site.latitude = site.latitude
        configuration.site.longitude = site.longitude
        var array = site.array
        array.peakPowerKW *= Double(max(1, inverters))
        configuration.solar = SolarConfiguration(arrays: [array], interval: max(interval, .seconds(1)))
        if let sunny = try? Condition.parse("inverter1.pv_power_w > 2500"), let full = try? Condition.parse("inverter1.battery_soc_pct > 90"),
            let dim = try? Condition.parse("inverter1.pv_power_w < 1200"), let draining = try? Condition.parse("inverter1.battery_soc_pct < 80")
        {
            configuration.switches = [
                SwitchConfiguration(
                    target: LoadSwitch(id: switchID, topic: "cmnd/\(switchID)/POWER"),
                    rule: SwitchRule(id: switchID, onWhen: [sunny, full], offWhen: [dim, draining], minimumOn: 300, minimumOff: 300)
                )
            ]
        }
        var rules: [AlertRule] = []
        for index in 0..<inverters {
            let id = DeviceID("inverter\(index + 1)")
            if let low = try? Condition.parse("\(id).battery_soc_pct < 20"), let recovered = try? Condition.parse("\(id).battery_soc_pct > 30") {
                rules.append(AlertRule(name: "\(id)-battery-low", trigger: .threshold(when: low, clear: recovered), severity: "critical"))
            }
            rules.append(AlertRule(name: "\(id)-silent", trigger: .stale(device: id, after: 120)))
        }
        configuration.alerts = AlertsConfiguration(rules: rules, webhooks: [], mqtt: false, mqttTopic: "heliograph/alerts")
    }
}
