import Foundation
import HeliographCore
import Hummingbird

/// Load switches with their newest decisions, for the automation page.
struct SwitchesResource: ResponseEncodable {
    var configured: Bool
    var switches: [SwitchStatus]
    var decisions: [SwitchDecisionRecord]
}

/// Alerts firing now and the recent history.
struct AlertsResource: ResponseEncodable {
    var configured: Bool
    var active: [AlertRecord]
    var history: [AlertRecord]
}

/// The hourly forecasts of the weather sources.
struct ForecastsResource: ResponseEncodable {
    var forecasts: [WeatherForecast]
}

extension WebAPI {
    func addAutomationRoutes(to router: Router<WebRequestContext>) {
        router.get("/api/v1/weather/forecast") { _, _ in
            ForecastsResource(forecasts: self.dependencies.forecasts?() ?? [])
        }
        router.get("/api/v1/switches") { request, _ in
            let limit = try QueryParameters(request).int("limit", default: 50, range: 1...10_000)
            guard let automation = self.dependencies.automation else { return SwitchesResource(configured: false, switches: [], decisions: []) }
            let switches = await automation.switches()
            return SwitchesResource(configured: !switches.isEmpty, switches: switches, decisions: try await automation.decisions(limit: limit))
        }
        router.get("/api/v1/alerts") { request, _ in
            let limit = try QueryParameters(request).int("limit", default: 100, range: 1...10_000)
            guard let automation = self.dependencies.automation else { return AlertsResource(configured: false, active: [], history: []) }
            return AlertsResource(
                configured: automation.alertsConfigured,
                active: await automation.activeAlerts(),
                history: await automation.alertHistory(limit: limit)
            )
        }
    }
}
