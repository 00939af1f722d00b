import AsyncHTTPClient
import Foundation
import HeliographApp
import HeliographCore
import HeliographDevices
import HeliographMQTT
import HeliographPipeline
import HeliographProcesses
import HeliographWeb
import Logging
import ServiceLifecycle
import Synchronization

/// `heliograph bench soak`: the whole daemon for a simulated day at accelerated time, under load,
/// watching whether the process's memory, file descriptors and threads stay flat.
///
/// Simulated devices (PI30 inverters on ptys; every third device a Hoymiles DTU on TCP) are polled
/// by the real pipeline built by `buildDaemon` (poller, validation, SQLite store with its
/// compaction, rollups and retention, web server, MQTT publishing to a mosquitto of its own when one
/// is installed), while HTTP clients read `/api/v1/latest`, history and `/health`, WebSocket clients
/// follow the live feed, and an MQTT client receives what the daemon publishes. Time is simulated
/// (`SimulatedTime`): poll intervals and the store's maintenance interval are divided by `speed`,
/// and samples, compaction windows and retention cutoffs follow the simulated clock.
public enum SoakBenchmark {
    /// What to run.
    public struct Options: Sendable, Hashable {
        /// Length of the simulated run.
        public var simulatedHours: Double
        /// Simulated devices: PI30 inverters, every third one a Hoymiles DTU.
        public var devices: Int
        /// Simulated seconds per real second.
        public var speed: Double
        /// Poll interval in simulated time (8 640 polls a day at 10 s).
        public var pollInterval: Duration
        /// HTTP clients; one of them opens a new connection for every request.
        public var httpClients: Int
        /// Pause of each HTTP client between two requests.
        public var httpPause: Duration
        /// WebSocket clients of the live feed; every other one reconnects after 100 messages.
        public var liveClients: Int
        /// Publish to a local mosquitto (started on a free port) when one is installed.
        public var mqtt: Bool
        /// Measurements over the run (the first at the start).
        public var measurements: Int
        public var limits: SoakVerdict.Limits
        /// A `heliograph` binary to run the clients in (`heliograph bench soak-load`), so the
        /// measurements see the daemon alone; nil: the clients run in this process and count too.
        public var loadExecutable: String?
        /// The daemon's malloc arena cap and trimming (the daemon's own by default; the soak can
        /// compare it with glibc as it comes).
        public var malloc: MallocPolicy

        public init(
            simulatedHours: Double = 24,
            devices: Int = 3,
            speed: Double = 480,
            pollInterval: Duration = .seconds(10),
            httpClients: Int = 4,
            httpPause: Duration = .milliseconds(10),
            liveClients: Int = 4,
            mqtt: Bool = true,
            measurements: Int = 96,
            limits: SoakVerdict.Limits = SoakVerdict.Limits(),
            loadExecutable: String? = nil,
            malloc: MallocPolicy = .daemon
        ) {
            self.simulatedHours = simulatedHours
            self.devices = devices
            self.speed = speed
            self.pollInterval = pollInterval
            self.httpClients = httpClients
            self.httpPause = httpPause
            self.liveClients = liveClients
            self.mqtt = mqtt
            self.measurements = measurements
            self.limits = limits
            self.loadExecutable = loadExecutable
            self.malloc = malloc
        }

        /// Throws `invalidRequest` for values that cannot make a run.
        public func validate() throws {
            guard simulatedHours > 0, simulatedHours <= 24 * 366 else { throw HeliographError(.invalidRequest, "--simulated-hours must be above 0 and at most a year") }
            guard (1...30).contains(devices) else { throw HeliographError(.invalidRequest, "--devices must be 1 to 30") }
            guard speed >= 1, speed <= 100_000 else { throw HeliographError(.invalidRequest, "--speed must be 1 to 100000") }
            guard pollInterval / speed >= .milliseconds(1) else { throw HeliographError(.invalidRequest, "the poll interval at this speed is under 1 ms; lower --speed") }
            guard measurements >= 4, httpClients >= 0, liveClients >= 0 else { throw HeliographError(.invalidRequest, "at least 4 measurements, and no negative client counts") }
        }

        /// Polls each device would make in the simulated time at `pollInterval`.
        public var expectedPollsPerDevice: Int { Int(simulatedHours * 3_600 / pollInterval.seconds) }
    }

    /// Runs the soak and returns its measurements and verdict; `onMeasurement` sees each one as it
    /// is taken (for progress). The run's files live in a temporary directory removed at the end.
    public static func run(
        _ options: Options,
        logger: Logger = quietLogger,
        onMeasurement: @escaping @Sendable (SoakMeasurement) -> Void = { _ in }
    ) async throws -> SoakResult {
        try options.validate()
        _ = try ProcessResources.current()  // fails at once where there is no /proc to watch
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("heliograph-soak-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        // The simulated day ends about now, on a whole hour, so no sample is from the future.
        let hour = 3_600.0
        let start = Date(timeIntervalSince1970: ((Date().timeIntervalSince1970 - options.simulatedHours * hour) / hour).rounded(.down) * hour)
        let time = SimulatedTime(start: start, speed: options.speed)

        var notes: [String] = []
        var broker: Mosquitto?
        if options.mqtt {
            if Mosquitto.executable == nil {
                notes.append("MQTT skipped: mosquitto is not installed (apt-get install mosquitto)")
            } else {
                // Bounded queues: a slow observer must not grow the broker without limit.
                broker = try await Mosquitto.start(.init(maximumQueuedMessages: 10_000), under: directory)
            }
        } else {
            notes.append("MQTT skipped: --no-mqtt")
        }
        defer { broker?.kill() }

        let devices = try await SoakDevices.start(count: options.devices, time: time, logger: logger)
        do {
            let result = try await soak(options, devices: devices, broker: broker, time: time, directory: directory, notes: notes, logger: logger, onMeasurement: onMeasurement)
            await devices.stop()
            return result
        } catch {
            await devices.stop()
            throw error
        }
    }

    /// A logger that shows only warnings and errors, so the table stays readable.
    public static var quietLogger: Logger {
        var logger = Logger(label: "heliograph.soak")
        logger.logLevel = .warning
        return logger
    }

    private static func soak(
        _ options: Options,
        devices: SoakDevices,
        broker: Mosquitto?,
        time: SimulatedTime,
        directory: URL,
        notes: [String],
        logger: Logger,
        onMeasurement: @escaping @Sendable (SoakMeasurement) -> Void
    ) async throws -> SoakResult {
        let realInterval = options.pollInterval / options.speed
        var configuration = HeliographConfiguration()
        configuration.site = .init(name: "Soak", timeZone: "UTC")
        configuration.storage.path = directory.appendingPathComponent("soak.sqlite").path
        // One day of raw history, so retention has work once the simulated day is over.
        configuration.storage.retentionDays = max(1, Int((options.simulatedHours / 24).rounded(.up)))
        configuration.devices = devices.configurations(interval: realInterval)
        if let broker {
            configuration.mqtt = MQTTConfiguration(host: "127.0.0.1", port: broker.port, clientID: "heliograph-soak")
        }
        let http = WebConfiguration(host: "127.0.0.1", port: 0)
        let (listening, listeningContinuation) = AsyncStream.makeStream(of: Int.self)
        let daemon = try await buildDaemon(
            configuration: configuration,
            logger: logger,
            clock: time.daemonClock,
            malloc: options.malloc,
            frontEnds: WebFrontEnd.factory(http) { port in listeningContinuation.yield(port) }
        )
        var measurements: [SoakMeasurement] = []
        var finalStatistics: StoreStatistics?
        var shutdownSeconds = 0.0
        var threadsAtStart: [String: Int] = [:]
        var threadsAtEnd: [String: Int] = [:]
        var threadsAfterShutdown: [String: Int] = [:]
        var counts = SoakLoadCounts()
        var loadResidentKilobytes: Int?

        try await withThrowingTaskGroup(of: Void.self) { daemonTasks in
            time.begin()
            daemonTasks.addTask {
                // A daemon that stops early (a port it cannot bind) also ends the wait for the web server.
                defer { listeningContinuation.finish() }
                try await daemon.group.run()
            }
            let bound = try await withTimeout(.seconds(60), "the soak's web server to listen") { () async -> Int? in
                for await port in listening { return port }
                return nil
            }
            guard let port = bound else { throw HeliographError(.connectionFailed, "the soak's daemon stopped before its web server listened") }
            let plan = SoakLoadPlan(
                port: port, brokerPort: broker?.port, topicPrefix: configuration.mqtt?.topicPrefix ?? "heliograph", series: devices.historySeries,
                start: time.start, speed: time.speed, began: time.beganOnWallClock,
                httpClients: options.httpClients, httpPauseMilliseconds: Int(options.httpPause.seconds * 1_000), liveClients: options.liveClients
            )
            do {
                counts = try await applyLoad(plan, options: options, logger: logger) { load in
                    // Measure at evenly spaced points of simulated time, the first at the start.
                    let total = options.simulatedHours * 3_600
                    for index in 0...options.measurements {
                        let simulated = total * Double(index) / Double(options.measurements)
                        if let instant = time.realInstant(afterSimulated: simulated) {
                            try? await Task.sleep(until: instant, clock: .continuous)
                        }
                        let measurement = try measure(simulated: simulated, progress: Double(index) / Double(options.measurements), daemon: daemon, counts: try load.counts(), time: time)
                        measurements.append(measurement)
                        if index == 0 { threadsAtStart = ProcessResources.threadNames() }
                        if index == options.measurements {
                            threadsAtEnd = ProcessResources.threadNames()
                            loadResidentKilobytes = load.separateResidentKilobytes
                        }
                        onMeasurement(measurement)
                    }
                }
            } catch {
                // The daemon task would keep the group waiting for ever.
                await daemon.group.triggerGracefulShutdown()
                throw error
            }
            finalStatistics = try? await daemon.store.statistics()
            let shutdownStart = ContinuousClock.now
            await daemon.group.triggerGracefulShutdown()
            try await daemonTasks.waitForAll()
            shutdownSeconds = (ContinuousClock.now - shutdownStart).seconds
        }
        // libdispatch retires worker threads that stay idle for a few seconds; a leaked thread (one
        // blocked for good) never goes. Give the pools up to 10 s to fall back to the start's size.
        let settle = ContinuousClock.now.advanced(by: .seconds(10))
        repeat {
            threadsAfterShutdown = ProcessResources.threadNames()
            if dispatchWorkers(threadsAfterShutdown) <= dispatchWorkers(threadsAtStart) { break }
            try? await Task.sleep(for: .milliseconds(250))
        } while ContinuousClock.now < settle

        var verdict = SoakVerdict.judge(measurements.map { SoakVerdict.Point(progress: $0.progress, resources: $0.resources, queued: $0.queued) }, limits: options.limits)
        verdict.judgeRetirement(workersAtStart: dispatchWorkers(threadsAtStart), workersAfterShutdown: dispatchWorkers(threadsAfterShutdown))
        var pollsPerDevice: [String: Int] = [:]
        for status in daemon.poller.status { pollsPerDevice[status.device.rawValue] = status.polls }
        return SoakResult(
            options: .init(options),
            measurements: measurements,
            verdict: verdict,
            pollsPerDevice: pollsPerDevice,
            store: finalStatistics,
            sinks: daemon.bus.statistics.map { .init(sink: $0.sink, written: $0.written, dropped: $0.dropped, writeErrors: $0.writeErrors) },
            liveConnections: counts.liveConnections,
            firstErrors: counts.firstErrors,
            notes: notes,
            loadAverage: (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " "),
            shutdownSeconds: shutdownSeconds,
            threadsAtStart: threadsAtStart,
            threadsAtEnd: threadsAtEnd,
            threadsAfterShutdown: threadsAfterShutdown,
            loadProcessResidentKilobytes: loadResidentKilobytes
        )
    }

    /// Starts the clients (in a process of their own when `options.loadExecutable` is set), runs
    /// `body` while they load the daemon, stops them and returns their final counts.
    private static func applyLoad(
        _ plan: SoakLoadPlan,
        options: Options,
        logger: Logger,
        _ body: (any SoakLoadRunner) async throws -> Void
    ) async throws -> SoakLoadCounts {
        let load: any SoakLoadRunner
        if let executable = options.loadExecutable {
            load = try SoakLoadProcess(executable: executable, plan: plan)
        } else {
            load = InProcessSoakLoad(plan, logger: logger)
        }
        do {
            try await body(load)
        } catch {
            _ = try? await load.stop()
            throw error
        }
        return try await load.stop()
    }

    /// How many of `names` (`ProcessResources.threadNames()`) are libdispatch workers.
    private static func dispatchWorkers(_ names: [String: Int]) -> Int {
        names.filter { ProcessResources.isDispatchWorker($0.key) }.values.reduce(0, +)
    }

    /// - Throws: when `/proc/self` cannot be read, which, since it could at the start, most likely
    ///   means the process ran out of file descriptors: a leak, reported as a failed run.
    private static func measure(simulated: Double, progress: Double, daemon: Daemon, counts: SoakLoadCounts, time: SimulatedTime) throws -> SoakMeasurement {
        let resources: ProcessResources
        do {
            resources = try ProcessResources.current()
        } catch {
            throw HeliographError(.notFound, "cannot read /proc/self after \(String(format: "%.1f", simulated / 3_600)) simulated hours (out of file descriptors?): \(error)")
        }
        let sinks = daemon.bus.statistics
        let stored = sinks.filter { $0.sink == daemon.store.name }.map(\.written).reduce(0, +)
        return SoakMeasurement(
            simulatedHours: simulated / 3_600,
            progress: progress,
            seconds: time.began.map { (ContinuousClock.now - $0).seconds } ?? 0,
            resources: resources,
            polls: daemon.poller.status.map(\.polls).reduce(0, +),
            stored: stored,
            queued: sinks.map(\.buffered).reduce(0, +),
            liveSubscribers: daemon.bus.subscriberCount,
            httpRequests: counts.httpRequests,
            httpErrors: counts.httpErrors,
            liveMessages: counts.liveMessages,
            mqttMessages: counts.mqttMessages
        )
    }
}
