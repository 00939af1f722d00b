import Foundation
import HeliographCore
import HeliographEnergy
import Hummingbird

/// A parsed history query: which series, over what span, at what resolution.
struct HistoryQuery: Equatable {
    enum Step: Equatable {
        case raw
        case rollup(Rollup)

        var name: String {
            switch self {
            case .raw: "raw"
            case .rollup(let rollup): rollup.rawValue
            }
        }
    }

    static let maxSeries = 20
    static let maxSpan: TimeInterval = 400 * 86_400
    static let maxRawSpan: TimeInterval = 7 * 86_400

    var series: [SeriesKey]
    var from: Date
    var to: Date
    var step: Step
    /// The calendar window asked for with `period` (and `date`), whose bounds are `from` and `to`.
    var period: EnergyPeriod?

    init(series: [SeriesKey], from: Date, to: Date, step: Step, period: EnergyPeriod? = nil) {
        self.series = series
        self.from = from
        self.to = to
        self.step = step
        self.period = period
    }

    /// Reads `series=dev/field,…` (or `device=` with `fields=`), the span, and `step` (`raw`, `1m`, `1h`,
    /// `1d`, or `auto`: the coarsest rollup that still draws `points` points, 300 unless given).
    ///
    /// The span is either `from` and `to` (default: the last 24 h), or a calendar window in the site's
    /// time zone: `period` (`day`, `week`, `month`, `year`) holding the local day `date` (default: today),
    /// so "today" runs from midnight to midnight.
    init(_ query: QueryParameters, now: Date = Date(), timeZone: TimeZone = .current) throws(HeliographError) {
        var keys: [SeriesKey] = []
        if let list = query.string("series") {
            for item in list.split(separator: ",") {
                let parts = item.split(separator: "/", maxSplits: 1)
                guard parts.count == 2 else { throw HeliographError(.invalidRequest, "series must be device/field pairs; got \(item)") }
                keys.append(SeriesKey(device: try QueryParameters.validDevice(String(parts[0])), field: try Self.field(String(parts[1]))))
            }
        }
        if let device = query.string("device") {
            let id = try QueryParameters.validDevice(device)
            guard let fields = query.string("fields") ?? query.string("field") else {
                throw HeliographError(.invalidRequest, "fields is required with device (comma-separated field ids)")
            }
            for field in fields.split(separator: ",") { keys.append(SeriesKey(device: id, field: try Self.field(String(field)))) }
        }
        guard !keys.isEmpty else { throw HeliographError(.invalidRequest, "name the series: series=device/field,… or device=…&fields=…") }
        guard keys.count <= Self.maxSeries else { throw HeliographError(.invalidRequest, "at most \(Self.maxSeries) series per query") }
        var period: EnergyPeriod?
        if let kind = query.string("period") {
            guard query.string("from") == nil, query.string("to") == nil else {
                throw HeliographError(.invalidRequest, "give either period (with date) or from and to, not both")
            }
            period = try EnergyPeriod(
                WebAPI.energyPeriodKind(kind), containing: query.string("date") ?? EnergyPeriod.dayKey(now, timeZone: timeZone), timeZone: timeZone)
        } else if query.string("date") != nil {
            throw HeliographError(.invalidRequest, "date needs period (day, week, month or year)")
        }
        let to: Date
        let from: Date
        if let period {
            to = Date(timeIntervalSince1970: Double(period.end) / 1_000)
            from = Date(timeIntervalSince1970: Double(period.start) / 1_000)
        } else {
            to = try query.time("to") ?? now
            from = try query.time("from") ?? to.addingTimeInterval(-86_400)
        }
        let points = try query.int("points", default: 300, range: 10...5_000)
        guard from < to else { throw HeliographError(.invalidRequest, "from must be before to") }
        guard to.timeIntervalSince(from) <= Self.maxSpan else { throw HeliographError(.invalidRequest, "the span may be at most 400 days") }
        let step: Step
        switch query.string("step") ?? "auto" {
        case "auto": step = .rollup(Rollup.suitable(from: from, to: to, points: points))
        case "raw":
            guard to.timeIntervalSince(from) <= Self.maxRawSpan else {
                throw HeliographError(.invalidRequest, "raw points are served for at most 7 days; use step=1m, 1h or 1d")
            }
            step = .raw
        case let name:
            guard let rollup = Rollup(rawValue: name) else { throw HeliographError(.invalidRequest, "step must be raw, 1m, 1h, 1d or auto; got \(name)") }
            step = .rollup(rollup)
        }
        self.series = keys
        self.from = from
        self.to = to
        self.step = step
        self.period = period
    }

    static func field(_ text: String) throws(HeliographError) -> FieldID {
        guard !text.isEmpty, text.count <= 64, text.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }) else {
            throw HeliographError(.invalidRequest, "\(text) is not a valid field id")
        }
        return FieldID(text)
    }
}

extension WebAPI {
    func addHistoryRoutes(to router: Router<WebRequestContext>) {
        router.get("/api/v1/history") { request, _ -> Response in
            let query = QueryParameters(request)
            let history = try await self.history(HistoryQuery(query, timeZone: self.energyReporter.timeZone))
            let wantsCSV = query.string("format") == "csv" || (request.headers[.accept]?.hasPrefix("text/csv") ?? false)
            if let format = query.string("format"), !["csv", "json"].contains(format) {
                throw HeliographError(.invalidRequest, "format must be json or csv; got \(format)")
            }
            guard wantsCSV else { return Self.json(history) }
            var response = Self.bytes(Array(CSVExport.render(history).utf8), contentType: "text/csv; charset=utf-8")
            response.headers[.contentDisposition] = "attachment; filename=\"heliograph-history.csv\""
            return response
        }
        router.get("/api/v1/energy/daily") { request, _ in
            let query = QueryParameters(request)
            let device = try query.deviceID("device")
            let field = try HistoryQuery.field(query.string("field") ?? CommonFields.pvPower.id.rawValue)
            let to = try query.time("to") ?? Date()
            let from = try query.time("from") ?? to.addingTimeInterval(-30 * 86_400)
            guard from < to, to.timeIntervalSince(from) <= HistoryQuery.maxSpan else {
                throw HeliographError(.invalidRequest, "from must be before to, at most 400 days apart")
            }
            let days = try await self.timed("daily_energy") { try await self.store.dailyEnergy(device: device, field: field, from: from, to: to) }
            return DailyEnergyResource(device: device.rawValue, field: field.rawValue, days: days.map { .init(day: $0.day, kwh: $0.kilowattHours) })
        }
    }

    /// Reads every series of the query; rollups for aggregated steps, so a year is a few hundred rows.
    /// Each series names its gaps, so a chart leaves them empty instead of drawing a line across.
    func history(_ query: HistoryQuery) async throws -> HistoryResource {
        let fields = try await seriesFields()
        let bucket: Double? = switch query.step {
        case .raw: nil
        case .rollup(let rollup): rollup.seconds
        }
        var series: [SeriesResource] = []
        for key in query.series {
            // Values (and means) rounded to the field's resolution, as everywhere numbers leave the daemon.
            let decimals = fields[key]?.precision
            func round(_ value: Double) -> Double { NumberFormat.rounded(value, decimals: decimals) }
            let points: [[Double]]
            switch query.step {
            case .raw:
                points = try await timed("points") { try await store.points(key, from: query.from, to: query.to) }.map {
                    [($0.time.timeIntervalSince1970 * 1_000).rounded(), round($0.value)]
                }
            case .rollup(let rollup):
                points = try await timed("aggregates") { try await store.aggregates(key, from: query.from, to: query.to, step: rollup) }.map {
                    [($0.time.timeIntervalSince1970 * 1_000).rounded(), round($0.mean), round($0.min), round($0.max), round($0.last)]
                }
            }
            let gaps = HistoryGaps.find(times: points.map { $0[0] }, bucketMilliseconds: bucket.map { $0 * 1_000 })
            series.append(SeriesResource(device: key.device.rawValue, field: key.field.rawValue, unit: fields[key]?.unit.rawValue, points: points, gaps: gaps))
        }
        return HistoryResource(
            from: query.from, to: query.to, step: query.step.name, bucketSeconds: bucket, timeZone: energyReporter.timeZone.identifier,
            period: query.period.map { HistoryResource.Window($0) }, series: series
        )
    }

    /// Every known series' field description (unit, precision).
    func seriesFields() async throws -> [SeriesKey: FieldDescriptor] {
        var fields: [SeriesKey: FieldDescriptor] = [:]
        for device in try await store.devices() {
            for field in device.descriptor.fields { fields[SeriesKey(device: device.descriptor.id, field: field.id)] = field }
        }
        return fields
    }
}
