import Foundation
import HeliographControl
import HeliographCore
import HeliographEnergy
import HeliographPipeline
import HeliographWeather
import HeliographWeb
import Logging
import ServiceLifecycle

/// Plugs the web server (dashboard, REST API, WebSocket) into the daemon as a front end.
public enum WebFrontEnd {
    /// A front end serving `http` over the daemon's store and live feed. Commands go through the
    /// daemon's `CommandGate` over every polled driver that can change settings, audited in the store.
    public static func factory(
        _ http: WebConfiguration,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> FrontEndFactory {
        { parts in
            guard http.enabled else { return [] }
            var http = http
            // Logins survive a restart: kept (hashed) beside the database unless configured elsewhere.
            http.sessionsFile = http.sessionsFile
                ?? URL(fileURLWithPath: parts.configuration.storage.path).deletingLastPathComponent().appendingPathComponent("sessions.json").path
            // The daemon's one gate.
            let gate = parts.gate
            let poller = parts.poller
            let server = try WebServer(
                configuration: http,
                dependencies: WebDependencies(
                    store: parts.store,
                    feed: parts.liveFeed,
                    gate: gate,
                    audit: parts.store,
                    refresh: { poller.requestPoll() },
                    health: { device in poller.status(of: device) },
                    automation: parts.automation,
                    status: PipelineStatus(poller: poller, bus: parts.bus, extra: parts.healthChecks),
                    metrics: parts.metrics.map { exporter -> @Sendable () async -> [UInt8] in { await exporter.exposition() } },
                    forecasts: forecasts(poller: poller, solar: parts.configuration.solar),
                    energy: parts.energy ?? energyReporter(parts.configuration, store: parts.store)
                ),
                logger: parts.logger,
                onServerRunning: onListening
            )
            return [server]
        }
    }
}

extension WebFrontEnd {
    /// Energy accounting in the site's time zone, with each device's gap limit from its poll interval and
    /// the tariff; complete days are kept in `energy-days.json` beside the history database.
    public static func energyReporter(_ configuration: HeliographConfiguration, store: any SampleStore) -> EnergyReporter {
        let intervals = Dictionary(configuration.devices.map { ($0.id, $0.interval) }, uniquingKeysWith: { first, _ in first })
        return EnergyReporter(
            store: store,
            timeZone: TimeZone(identifier: configuration.site.timeZone) ?? .current,
            configuration: .init(gapPolls: configuration.energyGapPolls, pollIntervals: intervals, tariff: configuration.tariff),
            daysFile: EnergyDaysFile(besideStorage: configuration.storage.path)
        )
    }
    /// The forecast of every weather source, with the output the site's arrays should give each hour.
    static func forecasts(poller: Poller, solar: SolarConfiguration?) -> (@Sendable () -> [WeatherForecast])? {
        let sources = poller.devices.compactMap { $0.driver as? WeatherDriver }
        guard !sources.isEmpty else { return nil }
        let arrays = solar?.arrays ?? []
        return { sources.compactMap { $0.forecast(arrays: arrays) } }
    }

    /// The web server for `heliograph demo`: this machine only by default, with a control token from
    /// `HELIOGRAPH_TOKEN` or a random one, printed with the address once the server listens.
    public static func demo(
        host: String = "127.0.0.1",
        port: Int = 8080,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        say: @escaping @Sendable (String) -> Void
    ) -> FrontEndFactory {
        let token = environment["HELIOGRAPH_TOKEN"].flatMap { $0.utf8.count >= 16 ? $0 : nil } ?? randomToken()
        let http = WebConfiguration(host: host, port: port, credentials: Credentials(tokens: ["demo": token]))
        return factory(http) { bound in
            let shown = host == "0.0.0.0" ? "127.0.0.1" : host
            say("Dashboard: http://\(shown):\(bound)/  (control token: \(token))")
        }
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }
}
