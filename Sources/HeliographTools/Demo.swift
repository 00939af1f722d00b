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

    public init(dataDirectory: String? = nil, inverters: Int = 1, interval: Duration = .seconds(2), duration: Duration? = nil, frontEnds: FrontEndFactory? = nil) {
        self.dataDirectory = dataDirectory
        self.inverters = inverters
        self.interval = interval
        self.duration = duration
        self.frontEnds = frontEnds
    }
}

/// Heliograph with no hardware: simulated PI30 inverters on ptys, the real driver, the real store.
public enum Demo {
    /// Runs until SIGINT/SIGTERM or `options.duration`; `say` prints progress for a person.
    public static func run(_ options: DemoOptions, logger: Logger = Logger(label: "heliograph.demo"), say: @escaping @Sendable (String) -> Void) async throws {
        let directory = try options.dataDirectory ?? makeDataDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let databasePath = URL(fileURLWithPath: directory).appendingPathComponent("heliograph.sqlite").path
        say("Heliograph demo: \(options.inverters) simulated PI30 inverter(s), data in \(databasePath)")

        // Start the simulators in their own group first: the drivers need their pty paths.
        let paths = Mutex<[Int: String]>([:])
        let (ready, readyContinuation) = AsyncStream.makeStream(of: Void.self)
        var simulatorLogger = logger
        simulatorLogger.logLevel = max(logger.logLevel, .warning)
        let simulators = (0..<options.inverters).map { index in
            PI30SimulatorService(logger: simulatorLogger) { path in
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
            configuration.storage.path = databasePath
            for index in 0..<options.inverters {
                let id = DeviceID("inverter\(index + 1)")
                let port = ptys[index] ?? ""
                say("  \(id): simulated PI30 on \(port)  (try: heliograph query --device \(port) QPIGS)")
                configuration.devices.append(
                    DeviceConfiguration(id: id, type: "pi30", interval: options.interval, timeout: .seconds(5), options: PI30Options(port: port))
                )
            }
            addDemoAutomation(to: &configuration, inverters: options.inverters, interval: options.interval)
            say("  solar: expected output of \(4 * options.inverters) kWp facing south at Greenwich; alerts on low battery and silent inverters")
            let daemon: Daemon
            do {
                daemon = try await buildDaemon(configuration: configuration, logger: logger, frontEnds: options.frontEnds)
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
    /// The expected-output estimate (one 4 kWp south array per simulated inverter, the simulator's
    /// peak) and a few alerts, so the dashboard's actual-vs-expected chart and the Automation page
    /// have something to show. Load switches need a broker, so the demo has none.
    static func addDemoAutomation(to configuration: inout HeliographConfiguration, inverters: Int, interval: Duration) {
        configuration.site.latitude = 51.4769
        configuration.site.longitude = -0.0005
        configuration.solar = SolarConfiguration(
            arrays: [PVArray(peakPowerKW: 4 * Double(max(1, inverters)), tilt: 35, azimuth: 180)],
            interval: max(interval, .seconds(1))
        )
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
