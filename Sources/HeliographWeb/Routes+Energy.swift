import Foundation
import HeliographCore
import HeliographEnergy
import Hummingbird

extension WebAPI {
    func addEnergyRoutes(to router: Router<WebRequestContext>) {
        router.get("/api/v1/energy") { request, _ -> Response in
            let query = QueryParameters(request)
            let format = query.string("format") ?? "json"
            guard ["json", "csv"].contains(format) else { throw HeliographError(.invalidRequest, "format must be json or csv; got \(format)") }
            let reporter = self.energyReporter
            let kind = try Self.energyPeriodKind(query.string("period") ?? "day")
            let date = query.string("date") ?? EnergyPeriod.dayKey(Date(), timeZone: reporter.timeZone)
            let period = try EnergyPeriod(kind, containing: date, timeZone: reporter.timeZone)
            let report = try await self.timed("energy") { try await reporter.report(period) }
            let resource = EnergyResource(report, date: date)
            guard format == "csv" else { return Self.json(resource) }
            var response = Self.bytes(Array(EnergyCSV.render(resource).utf8), contentType: "text/csv; charset=utf-8")
            response.headers[.contentDisposition] = "attachment; filename=\"heliograph-energy-\(kind.rawValue)-\(period.days.first?.key ?? date).csv\""
            return response
        }
    }

    /// The daemon's reporter, or one over the store in this machine's time zone when none was given.
    var energyReporter: EnergyReporter {
        dependencies.energy ?? EnergyReporter(store: store, timeZone: .current)
    }

    static func energyPeriodKind(_ text: String) throws(HeliographError) -> EnergyPeriod.Kind {
        guard let kind = EnergyPeriod.Kind(rawValue: text) else {
            throw HeliographError(.invalidRequest, "period must be day, week, month or year; got \(text)")
        }
        return kind
    }
}
