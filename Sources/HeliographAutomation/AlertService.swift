import HeliographCore
import Logging
import ServiceLifecycle
import Synchronization

import struct Foundation.Date

/// Watches the live feed for alert conditions, and the clock for silent devices; notifies the
/// channels (each in turn, retried a few times) and keeps the alerts for the web page.
public final class AlertService: Service, Sendable {
    public let rules: [AlertRule]
    private let channels: [any AlertChannel]
    private let logger: Logger
    private let loop: RuleLoop<AlertEngine>
    private let history = Mutex<[AlertRecord]>([])
    static let historyLimit = 500
    /// Attempts per channel and notification.
    static let attempts = 3

    public init(
        rules: [AlertRule],
        channels: [any AlertChannel],
        feed: any LiveFeed,
        tick: Duration = .seconds(30),
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger
    ) {
        self.rules = rules
        self.channels = channels
        self.logger = logger
        self.loop = RuleLoop(engine: AlertEngine(rules: rules, started: now()), feed: feed, tick: tick, now: now)
    }

    public func run() async throws {
        await loop.run(accept: { self.handle($0) }, send: { await self.notify($0) })
    }

    /// Records a sample and evaluates the rules.
    public func take(_ sample: Sample) {
        loop.take(sample) { handle($0) }
    }

    /// Evaluates the rules at the current time (staleness needs no sample to fire).
    public func evaluate() {
        loop.evaluate { handle($0) }
    }

    /// Keeps and logs the alerts raised or cleared; returns those to notify. Called under the
    /// loop's lock, so notifications are queued in the order the alerts were raised.
    private func handle(_ records: [AlertRecord]) -> [AlertRecord] {
        guard !records.isEmpty else { return [] }
        history.withLock { history in
            history.insert(contentsOf: records.reversed(), at: 0)
            if history.count > Self.historyLimit { history.removeLast(history.count - Self.historyLimit) }
        }
        for record in records {
            let metadata: Logger.Metadata = ["alert.rule": "\(record.rule)", "alert.state": "\(record.state.rawValue)", "alert.message": "\(record.message)"]
            if record.state == .firing { logger.warning("Alert", metadata: metadata) } else { logger.info("Alert resolved", metadata: metadata) }
        }
        return records.filter(\.notified)
    }

    private func notify(_ alert: AlertRecord) async {
        for channel in channels {
            for attempt in 1...Self.attempts {
                do {
                    try await channel.deliver(alert, logger: logger)
                    break
                } catch {
                    logger.warning(
                        "Could not deliver an alert",
                        metadata: ["alert.rule": "\(alert.rule)", "alert.channel": "\(channel.name)", "alert.attempt": "\(attempt)", "error": "\(error)"]
                    )
                    if attempt < Self.attempts { try? await Task.sleep(for: .seconds(attempt)) }
                }
            }
        }
    }

    /// Alerts firing now, newest first.
    public var active: [AlertRecord] { loop.withEngine(\.firing) }

    /// Raised and cleared alerts, newest first.
    public func history(limit: Int) -> [AlertRecord] { Array(history.withLock { $0 }.prefix(limit)) }
}

/// The switching and alert services together, as the web page sees them.
public struct AutomationOverview: AutomationReport {
    public var switching: SwitchService?
    public var alerts: AlertService?

    public init(switching: SwitchService?, alerts: AlertService?) {
        self.switching = switching
        self.alerts = alerts
    }

    public func switches() async -> [SwitchStatus] { await switching?.switches() ?? [] }
    public func decisions(limit: Int) async throws -> [SwitchDecisionRecord] { try await switching?.decisions(limit: limit) ?? [] }
    public func activeAlerts() async -> [AlertRecord] { alerts?.active ?? [] }
    public func alertHistory(limit: Int) async -> [AlertRecord] { alerts?.history(limit: limit) ?? [] }
    public var alertsConfigured: Bool { !(alerts?.rules.isEmpty ?? true) }
}
