import Foundation
import HeliographEnergy
import Hummingbird

/// `GET /api/v1/energy`: a period's flows for the site and each device, with ratios, money and bars.
struct EnergyResource: ResponseEncodable {
    struct Flow: Codable, Sendable, Equatable {
        /// Nil when nothing is known (source `none`).
        var kwh: Double?
        var source: String
        /// Share of the span with data, 0...1; while the period runs, the span ends at `until` (now),
        /// so a morning with every reading reads 1, not the morning's share of the day.
        var coverage: Double
        var unknownHours: Double
        var skippedCounterSteps: Int

        /// Energy is rounded to the watt-hour (3 decimals of kWh) and hours to 3.6 s: finer digits are
        /// float noise and would print as `2e-05`.
        init(_ energy: FlowEnergy) {
            kwh = energy.isKnown ? Self.rounded(energy.kilowattHours, decimals: 3) : nil
            source = energy.source.rawValue
            coverage = Self.rounded(energy.coverage, decimals: 4)
            unknownHours = Self.rounded(energy.unknownHours, decimals: 3)
            skippedCounterSteps = energy.skippedCounterSteps
        }

        /// `value` to `decimals` places, never `-0` (which JSON and CSV would print with its sign).
        /// Four decimals at most, so Swift never prints it in exponent form (it does below 0.0001).
        static func rounded(_ value: Double, decimals: Int) -> Double {
            guard value.isFinite else { return 0 }
            let scale = [1.0, 10, 100, 1_000, 10_000][min(max(decimals, 0), 4)]
            return (value * scale).rounded() / scale + 0
        }
    }

    struct Ratios: Codable, Sendable, Equatable {
        var selfSufficiency: Double?
        var selfConsumption: Double?
    }

    struct Money: Codable, Sendable, Equatable {
        var currency: String
        var cost: Double
        var earnings: Double
        var savings: Double
    }

    struct Figures: Codable, Sendable, Equatable {
        var flows: [String: Flow]
        var ratios: Ratios
        var money: Money?

        init(_ figures: EnergyFigures, money: EnergyMoney?) {
            flows = Dictionary(uniqueKeysWithValues: figures.flows.map { ($0.key.rawValue, Flow($0.value)) })
            let ratios = EnergyRatios(figures)
            self.ratios = Ratios(
                selfSufficiency: ratios.selfSufficiency.map { Flow.rounded($0, decimals: 4) }, selfConsumption: ratios.selfConsumption.map { Flow.rounded($0, decimals: 4) })
            self.money = money.map {
                Money(
                    currency: $0.currency, cost: Flow.rounded($0.cost, decimals: 4), earnings: Flow.rounded($0.earnings, decimals: 4),
                    savings: Flow.rounded($0.savings, decimals: 4))
            }
        }
    }

    struct Device: Codable, Sendable, Equatable {
        var device: String
        var name: String
        var kind: String
        /// The gateway a device sits behind; such devices are not summed into the site again.
        var parent: String?
        var flows: [String: Flow]
    }

    struct Bar: Codable, Sendable, Equatable {
        /// `yyyy-MM-dd`, or `yyyy-MM` in a year view.
        var key: String
        var from: Date
        var to: Date
        var site: Figures
    }

    var period: String
    var date: String
    var timeZone: String
    /// The first and the last local day of the period.
    var firstDay: String
    var lastDay: String
    var from: Date
    var to: Date
    /// Where the figures end: `to`, or now while the period runs.
    var until: Date
    /// Whether the period is over; while it runs, coverage is judged against `from`…`until` only.
    var complete: Bool
    /// Hours from `from` to `until`: the span every coverage of the period is a share of.
    var elapsedHours: Double
    var previous: String
    var next: String
    var site: Figures
    var devices: [Device]
    var bars: [Bar]
    var skippedCounterSteps: Int

    init(_ report: EnergyReport, date: String) {
        let period = report.period
        self.period = period.kind.rawValue
        self.date = date
        timeZone = period.timeZone.identifier
        firstDay = period.days.first?.key ?? date
        lastDay = period.days.last?.key ?? date
        from = Date(timeIntervalSince1970: Double(period.start) / 1_000)
        to = Date(timeIntervalSince1970: Double(period.end) / 1_000)
        until = Date(timeIntervalSince1970: Double(report.until) / 1_000)
        complete = report.until >= period.end
        elapsedHours = Flow.rounded(Double(max(0, report.until - period.start)) / 3_600_000, decimals: 3)
        previous = period.previous
        next = period.next
        site = Figures(report.site, money: report.money)
        devices = report.devices.map { device in
            Device(
                device: device.descriptor.id.rawValue, name: device.descriptor.name, kind: device.descriptor.kind, parent: device.descriptor.parent?.rawValue,
                flows: Dictionary(uniqueKeysWithValues: device.figures.flows.map { ($0.key.rawValue, Flow($0.value)) })
            )
        }
        bars = report.bars.map { bar in
            Bar(
                key: bar.span.key, from: Date(timeIntervalSince1970: Double(bar.span.start) / 1_000), to: Date(timeIntervalSince1970: Double(bar.span.end) / 1_000),
                site: Figures(bar.site, money: bar.money)
            )
        }
        skippedCounterSteps = report.skippedCounterSteps
    }
}

/// The energy report as CSV: one row per scope (the site, each device, each bar) and flow.
enum EnergyCSV {
    static let header = "scope,key,flow,kwh,source,coverage,unknown_hours,skipped_counter_steps"

    static func render(_ resource: EnergyResource) -> String {
        var lines = [header]
        func rows(_ scope: String, _ key: String, _ flows: [String: EnergyResource.Flow]) {
            for flow in EnergyFlow.allCases.map(\.rawValue) {
                guard let energy = flows[flow] else { continue }
                let cells = [
                    CSVExport.escape(scope), CSVExport.escape(key), flow, energy.kwh.map(CSVExport.format) ?? "", energy.source,
                    CSVExport.format(energy.coverage), CSVExport.format(energy.unknownHours), String(energy.skippedCounterSteps),
                ]
                lines.append(cells.joined(separator: ","))
            }
        }
        rows("site", resource.firstDay, resource.site.flows)
        for device in resource.devices { rows("device", device.device, device.flows) }
        for bar in resource.bars { rows("bar", bar.key, bar.site.flows) }
        return lines.joined(separator: "\n") + "\n"
    }
}
