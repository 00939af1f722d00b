import Foundation
import HeliographAutomation
import HeliographCore
import Logging
import ServiceLifecycle

/// Builds the load-switching and alert services from the configuration. Only the composition root does this.
enum AutomationFactory {
    struct Built: Sendable {
        var services: [any Service]
        var overview: AutomationOverview?
    }

    /// - Parameter publisher: the shared MQTT connection; switches need it, alerts use it when configured.
    static func make(
        configuration: HeliographConfiguration,
        feed: any LiveFeed,
        audit: (any AuditLog)?,
        publisher: (any MessagePublisher)?,
        logger: Logger
    ) throws -> Built {
        let timeZone = TimeZone(identifier: configuration.site.timeZone) ?? .current
        var services: [any Service] = []
        var switching: SwitchService?
        if !configuration.switches.isEmpty {
            guard let publisher else {
                throw HeliographError(.invalidConfiguration, "switches: load switches are driven over MQTT; configure the broker under mqtt:")
            }
            let service = SwitchService(
                configuration: .init(rules: configuration.switches.map(\.rule), switches: configuration.switches.map(\.target), timeZone: timeZone),
                feed: feed,
                publisher: publisher,
                audit: audit,
                logger: logger
            )
            switching = service
            services.append(service)
        }
        var alerting: AlertService?
        if let alerts = configuration.alerts, !alerts.rules.isEmpty {
            var channels: [any AlertChannel] = alerts.webhooks.map { WebhookChannel(configuration: $0) }
            if alerts.mqtt ?? (publisher != nil) {
                guard let publisher else {
                    throw HeliographError(.invalidConfiguration, "alerts.mqtt: publishing alerts needs the broker under mqtt:")
                }
                channels.append(MQTTAlertChannel(prefix: alerts.mqttTopic, publisher: publisher))
            }
            let service = AlertService(rules: alerts.rules, channels: channels, feed: feed, logger: logger)
            alerting = service
            services.append(service)
        }
        let overview = services.isEmpty ? nil : AutomationOverview(switching: switching, alerts: alerting)
        return Built(services: services, overview: overview)
    }
}
