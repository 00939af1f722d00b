import Foundation
import HeliographCore

/// One measurement of a soak run: the process's resources and the work done so far.
public struct SoakMeasurement: Sendable, Hashable, Codable {
    /// Simulated time since the start.
    public var simulatedHours: Double
    /// Fraction of the run done, 0...1.
    public var progress: Double
    /// Real time since the start.
    public var seconds: Double
    public var resources: ProcessResources
    /// Polls of all devices, failed ones included.
    public var polls: Int
    /// Samples the store wrote.
    public var stored: Int
    /// Samples waiting in the sinks' queues (all sinks): held in memory until written, so a sink
    /// that falls behind grows the live allocations without a leak.
    public var queued: Int = 0
    /// Live-feed subscribers of the sample bus (one per WebSocket client connected): one that stays
    /// after its client left keeps receiving samples, a leak per connection.
    public var liveSubscribers: Int = 0
    public var httpRequests: Int
    public var httpErrors: Int
    /// Messages the WebSocket clients received.
    public var liveMessages: Int
    /// Messages the MQTT observer received from the broker.
    public var mqttMessages: Int
}

/// A soak run: its settings, measurements, verdict and what the daemon did.
public struct SoakResult: Sendable, Codable {
    public struct Settings: Sendable, Hashable, Codable {
        public var simulatedHours: Double
        public var devices: Int
        public var speed: Double
        public var pollIntervalSeconds: Double
        public var httpClients: Int
        public var liveClients: Int
        /// Whether the clients ran in the measured process (`--in-process-load`) or in one of their own.
        public var loadInProcess: Bool
        /// The daemon's malloc policy: arena cap (nil: glibc's) and trim interval in simulated seconds (nil: never).
        public var mallocArenaMax: Int?
        public var mallocTrimSeconds: Double?

        init(_ options: SoakBenchmark.Options) {
            simulatedHours = options.simulatedHours
            devices = options.devices
            speed = options.speed
            pollIntervalSeconds = options.pollInterval.seconds
            httpClients = options.httpClients
            liveClients = options.liveClients
            loadInProcess = options.loadExecutable == nil
            mallocArenaMax = options.malloc.arenaMax
            mallocTrimSeconds = options.malloc.trimInterval?.seconds
        }
    }

    /// What one sink of the sample bus did.
    public struct SinkFigures: Sendable, Hashable, Codable {
        public var sink: String
        public var written: Int
        public var dropped: Int
        public var writeErrors: Int
    }

    public var options: Settings
    public var measurements: [SoakMeasurement]
    public var verdict: SoakVerdict
    /// Polls by configured device (a DTU counts once per poll of all its inverters).
    public var pollsPerDevice: [String: Int]
    /// The history database at the end; nil when it could not be read.
    public var store: StoreStatistics?
    public var sinks: [SinkFigures]
    /// WebSocket connections opened (the reconnecting clients open many).
    public var liveConnections: Int
    /// The first error of each client kind, if any.
    public var firstErrors: [String: String]
    /// Parts skipped, and why.
    public var notes: [String]
    /// `/proc/loadavg` at the end (1, 5, 15 minutes): the machine's load the figures were taken under.
    public var loadAverage: String?
    /// Seconds the daemon's graceful shutdown took after the run (systemd SIGKILLs at TimeoutStopSec, 90 s by default).
    public var shutdownSeconds: Double = 0
    /// Threads by name at the first and the last measurement (`ProcessResources.threadNames()`).
    public var threadsAtStart: [String: Int] = [:]
    public var threadsAtEnd: [String: Int] = [:]
    /// Threads by name once the daemon stopped and idle pool threads had up to 10 s to retire.
    public var threadsAfterShutdown: [String: Int] = [:]
    /// Resident memory of the clients' own process at the last measurement (kB); nil when they ran in the measured one.
    public var loadProcessResidentKilobytes: Int?

    /// Polls each device should have made: simulated time over the poll interval.
    public var expectedPollsPerDevice: Int { Int(options.simulatedHours * 3_600 / options.pollIntervalSeconds) }
}

extension SoakResult {
    /// The table over simulated time (about `rows` rows, first and last always), then the totals and the verdict.
    public func text(rows: Int = 24) -> String {
        var lines: [String] = []
        let header = ["sim h", "real s", "RSS MB", "live MB", "sqlite MB", "free MB", "arenas", "fds", "threads", "polls", "stored", "queued", "feed subs", "http req", "http err", "ws msgs", "mqtt msgs"]
        lines.append(header.map { pad($0, 9) }.joined(separator: " "))
        let every = max(1, measurements.count / max(rows, 1))
        for (index, row) in measurements.enumerated() where index % every == 0 || index == measurements.count - 1 {
            let megabytes = { (value: Double?) in value.map { String(format: "%.1f", $0) } ?? "-" }
            let malloc = row.resources.malloc
            let memory: [String] = [
                megabytes(row.resources.residentMegabytes), megabytes(malloc?.liveMegabytes), megabytes(malloc?.sqliteBytes.map { Double($0) / 1_048_576 }),
                megabytes(malloc?.freeMegabytes), malloc.map { "\($0.arenas)" } ?? "-",
            ]
            let work: [String] = [
                "\(row.resources.openFiles)", "\(row.resources.threads)", "\(row.polls)", "\(row.stored)", "\(row.queued)", "\(row.liveSubscribers)", "\(row.httpRequests)",
                "\(row.httpErrors)", "\(row.liveMessages)", "\(row.mqttMessages)",
            ]
            let cells = [String(format: "%.2f", row.simulatedHours), String(format: "%.1f", row.seconds)] + memory + work
            lines.append(cells.map { pad($0, 9) }.joined(separator: " "))
        }
        lines.append("")
        let polls = pollsPerDevice.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        lines.append("polls per device (expected \(expectedPollsPerDevice)): \(polls)")
        if let store {
            lines.append("store: \(store.points) points in \(store.series) series, \(store.bytesOnDisk / 1_024) KiB on disk")
        }
        lines.append("sinks: " + sinks.map { "\($0.sink) wrote \($0.written), dropped \($0.dropped), errors \($0.writeErrors)" }.joined(separator: "; "))
        lines.append("live feed: \(liveConnections) WebSocket connections")
        if let load = loadProcessResidentKilobytes {
            lines.append("clients: a process of their own, not measured (RSS \(load / 1_024) MB at the end)")
        } else if options.loadInProcess {
            lines.append("clients: in the measured process (their memory and threads count)")
        }
        for (kind, error) in firstErrors.sorted(by: { $0.key < $1.key }) { lines.append("first \(kind) error: \(error)") }
        for note in notes { lines.append(note) }
        let arenaCap = options.mallocArenaMax.map { "at most \($0) arenas" } ?? "glibc's arena count"
        let trimming = options.mallocTrimSeconds.map { String(format: "malloc_trim every %.0f simulated s", $0) } ?? "no malloc_trim"
        lines.append("malloc: \(arenaCap), \(trimming)")
        if let loadAverage { lines.append("load average at the end: \(loadAverage)") }
        lines.append(String(format: "graceful shutdown: %.1f s", shutdownSeconds))
        func names(_ threads: [String: Int]) -> String { threads.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: ", ") }
        lines.append("threads at the start: \(names(threadsAtStart))")
        lines.append("threads at the end: \(names(threadsAtEnd))")
        lines.append("threads after shutdown: \(names(threadsAfterShutdown))")
        lines.append(verdictLine)
        return lines.joined(separator: "\n")
    }

    /// `flat: …` or `GROWTH: …` with the medians compared.
    public var verdictLine: String {
        let trend = { (name: String, trend: MemoryTrend?) in
            trend.map { name + String(format: " %+.1f %% (last third %+.1f %%)", $0.growthPercent, $0.lateGrowthPercent) }
        }
        let memory = [trend("RSS", verdict.resident), trend("malloc in use outside SQLite", verdict.live)].compactMap { $0 }.joined(separator: ", ")
        let figures =
            (memory.isEmpty ? "" : memory + ", ")
            + String(
                format: "fds %+d, threads %+d (medians of the last third against the first third after %.1f %% warm-up)",
                verdict.openFileGrowth, verdict.threadGrowth, verdict.limits.warmUp * 100
            )
        return verdict.isFlat ? "flat: \(figures)" : "GROWTH: \(verdict.problems.joined(separator: "; ")); \(figures)"
    }

    /// JSON lines: one per measurement, then one with everything else.
    public func jsonLines() -> [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        func line(_ value: some Encodable) -> String {
            (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        }
        var summary = self
        summary.measurements = []
        return measurements.map(line) + [line(summary)]
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
