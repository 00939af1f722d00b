import HeliographCore
import Logging
import ServiceLifecycle
import Synchronization

import struct Foundation.Date
import struct Foundation.TimeZone

/// Runs the load-switching rules against the live feed and sends the switch commands over MQTT.
///
/// Rules are evaluated on every sample and on a timer (for time windows and minimum times). The
/// decisions go, in order, to one task that publishes the payloads and records each decision with
/// its reason: in the log, in the audit log (actor `rule:<switch>`, so it is stored beside setting
/// changes) and in memory for the web page.
public final class SwitchService: Service, Sendable {
    public struct Configuration: Sendable {
        public var rules: [SwitchRule]
        public var switches: [LoadSwitch]
        public var timeZone: TimeZone
        /// How often rules are evaluated without new samples. Default 30 s.
        public var tick: Duration

        public init(rules: [SwitchRule], switches: [LoadSwitch], timeZone: TimeZone, tick: Duration = .seconds(30)) {
            self.rules = rules
            self.switches = switches
            self.timeZone = timeZone
            self.tick = tick
        }
    }

    public let configuration: Configuration
    private let publisher: any MessagePublisher
    private let audit: (any AuditLog)?
    private let logger: Logger
    private let loop: RuleLoop<SwitchEngine>
    private let recent = Mutex<[SwitchDecisionRecord]>([])
    static let recentLimit = 500

    public init(
        configuration: Configuration,
        feed: any LiveFeed,
        publisher: any MessagePublisher,
        audit: (any AuditLog)?,
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger
    ) {
        self.configuration = configuration
        self.publisher = publisher
        self.audit = audit
        self.logger = logger
        let engine = SwitchEngine(rules: configuration.rules, timeZone: configuration.timeZone)
        self.loop = RuleLoop(engine: engine, feed: feed, tick: configuration.tick, now: now)
    }

    public func run() async throws {
        await loop.run(accept: { $0 }, send: { await self.apply($0) })
    }

    /// Records a sample and evaluates the rules. Called for every sample of the live feed.
    func take(_ sample: Sample) {
        loop.take(sample) { $0 }
    }

    /// Evaluates the rules at the current time without a new sample.
    func evaluate() {
        loop.evaluate { $0 }
    }

    private func apply(_ decision: SwitchDecision) async {
        guard let target = configuration.switches.first(where: { $0.id == decision.switchID }) else { return }
        var record = SwitchDecisionRecord(time: decision.time, switchID: decision.switchID, on: decision.on, reason: decision.reason, result: "applied")
        do {
            try await publisher.publish(topic: target.topic, payload: target.payload(on: decision.on), retain: target.retain)
            logger.info(
                "Load switched",
                metadata: ["switch.id": "\(decision.switchID)", "switch.on": "\(decision.on)", "switch.reason": "\(decision.reason)", "mqtt.topic": "\(target.topic)"]
            )
        } catch {
            record.result = "failed"
            record.message = "\(error)"
            logger.warning("Could not send a switch command", metadata: ["switch.id": "\(decision.switchID)", "switch.on": "\(decision.on)", "error": "\(error)"])
        }
        recent.withLock { recent in
            recent.insert(record, at: 0)
            if recent.count > Self.recentLimit { recent.removeLast() }
        }
        if let audit {
            let entry = AuditEntry(
                time: record.time,
                actor: "rule:\(record.switchID)",
                change: SettingChange(device: DeviceID(record.switchID), setting: "power", value: .toggle(record.on)),
                dryRun: false,
                result: record.result,
                message: record.message.map { "\(record.reason) (\($0))" } ?? record.reason
            )
            do {
                try await audit.append(entry)
            } catch {
                logger.warning("Could not store a switching decision", metadata: ["switch.id": "\(record.switchID)", "error": "\(error)"])
            }
        }
    }

    // MARK: For the web page

    public func switches() async -> [SwitchStatus] {
        let states = loop.withEngine(\.states)
        let recent = self.recent.withLock { $0 }
        return configuration.rules.map { rule in
            let target = configuration.switches.first { $0.id == rule.id }
            return SwitchStatus(
                id: rule.id,
                on: states[rule.id]?.on,
                since: states[rule.id]?.since,
                topic: target?.topic ?? "",
                rule: rule.summary,
                lastDecision: recent.first { $0.switchID == rule.id }
            )
        }
    }

    /// From the audit log when there is one (so decisions survive restarts), else from memory.
    public func decisions(limit: Int) async throws -> [SwitchDecisionRecord] {
        guard let audit else { return Array(recent.withLock { $0 }.prefix(limit)) }
        let ids = Set(configuration.rules.map(\.id))
        var records: [SwitchDecisionRecord] = []
        // The audit log also holds setting changes; read enough to find `limit` rule entries.
        for entry in try await audit.entries(device: nil, limit: max(limit * 4, 200)) where entry.actor.hasPrefix("rule:") {
            let id = String(entry.actor.dropFirst("rule:".count))
            guard ids.contains(id), case .toggle(let on) = entry.change.value else { continue }
            records.append(SwitchDecisionRecord(time: entry.time, switchID: id, on: on, reason: entry.message, result: entry.result))
            if records.count == limit { break }
        }
        return records
    }
}
