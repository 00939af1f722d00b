import Foundation
import HeliographCore
import HeliographEnergy
import HeliographHomeAssistant
import HeliographPrometheus
import HeliographWeb
import Logging
import ServiceLifecycle

/// Keeps the site's lifetime energy per flow (`EnergyTotals`) and hands it to the meters that must
/// never go backwards: Home Assistant's energy sensors and the Prometheus counters. Every `interval`
/// and once more at shutdown it computes the site's figures of today and of each day since the last
/// one counted (at least yesterday, for late data; at most a week back), counts what they gained,
/// saves the totals beside the history and publishes them.
final class EnergyTotalsService: Service {
    typealias Publisher = @Sendable (EnergyTotals) async throws -> Void

    private let reporter: EnergyReporter
    private let file: EnergyTotalsFile
    private let interval: Duration
    private let now: @Sendable () -> Date
    private let publishers: [Publisher]
    private let logger: Logger

    init(
        reporter: EnergyReporter, file: EnergyTotalsFile, interval: Duration = .seconds(60), now: @escaping @Sendable () -> Date = { Date() },
        publishers: [Publisher], logger: Logger
    ) {
        self.reporter = reporter
        self.file = file
        self.interval = interval
        self.now = now
        self.publishers = publishers
        self.logger = logger
    }

    func run() async throws {
        let (loaded, problem) = file.load()
        if let problem { logger.error("\(problem)") }
        var totals = loaded
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            totals = await update(totals)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
        // The last figures of the day so far, so a restart loses nothing HA or Prometheus saw.
        if !Task.isCancelled { _ = await update(totals) }
    }

    /// One round: count, save, publish. Failures are logged; the next round tries again.
    func update(_ totals: EnergyTotals) async -> EnergyTotals {
        var totals = totals
        let time = now()
        do {
            for day in try Self.days(through: EnergyPeriod.dayKey(time, timeZone: reporter.timeZone), after: totals.lastDay, timeZone: reporter.timeZone) {
                let report = try await reporter.report(try EnergyPeriod(.day, containing: day, timeZone: reporter.timeZone), now: time)
                let figures = Dictionary(uniqueKeysWithValues: EnergyFlow.allCases.compactMap { flow in report.site.kilowattHours(flow).map { (flow, $0) } })
                totals.record(day: day, figures: figures)
            }
            try file.save(totals)
        } catch {
            logger.warning("Updating the energy totals failed", metadata: ["error": "\(error)"])
        }
        for publish in publishers {
            do {
                try await publish(totals)
            } catch {
                logger.debug("Publishing the energy totals failed", metadata: ["error": "\(error)"])
            }
        }
        return totals
    }

    /// The local days to count, oldest first, ending with `today`: from the day before `lastDay`
    /// (late data for it) or today alone on the first run, never more than a week back.
    static func days(through today: String, after lastDay: String?, timeZone: TimeZone) throws -> [String] {
        var days = [today]
        guard let lastDay else { return days }
        while days.count < 8, let first = days.first, first >= lastDay {
            days.insert(try EnergyPeriod(.day, containing: first, timeZone: timeZone).previous, at: 0)
        }
        return days
    }
}

extension EnergyTotalsService {
    /// The service for a daemon: Home Assistant sensors when MQTT discovery is on, counters for
    /// `/metrics` when given; nil when neither wants the totals. They are kept beside the history
    /// (`energy-totals.json` next to `storage.path`, also for PostgreSQL, which keeps the MQTT outbox there too).
    static func make(
        configuration: HeliographConfiguration, reporter: EnergyReporter, mqtt: DaemonMQTT?, counters: EnergyCounters?, now: @escaping @Sendable () -> Date,
        logger: Logger
    ) -> EnergyTotalsService? {
        var publishers: [Publisher] = []
        if let mqtt, mqtt.configuration.discovery {
            let sink = mqtt.sink
            publishers.append { try await EnergySensors.publish($0, through: sink, time: now()) }
        }
        if let counters { publishers.append { counters.advance(to: $0) } }
        guard !publishers.isEmpty else { return nil }
        return EnergyTotalsService(
            reporter: reporter, file: EnergyTotalsFile(besideStorage: configuration.storage.path), now: now,
            publishers: publishers, logger: logger)
    }
}
