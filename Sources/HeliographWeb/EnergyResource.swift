import Foundation
import HeliographEnergy
import Hummingbird

/// `GET /api/v1/energy`: a period's flows for the site and each device, with ratios, money and bars.
struct EnergyResource: ResponseEncodable {
    struct Flow: Codable, Sendable, Equatable {
        /// Nil when nothing is known (source `none`).
        var kwh: Double?
        var source: String
        /// Share of the span with data, 0...1.
        var coverage: Double
        var unknownHours: Double
        var skippedCounterSteps: Int

        /// Figures are rounded to a millionth (a milliwatt-hour, 3.6 ms of a day): finer digits are float noise.
        init(_ energy: FlowEnergy) {
            kwh = energy.isKnown ? Self.rounded(energy.kilowattHours) : nil
            source = energy.source.rawValue
            coverage = Self.rounded(energy.coverage)
            unknownHours = Self.rounded(energy.unknownHours)
            skippedCounterSteps = energy.skippedCounterSteps
        }

        static func rounded(_ value: Double) -> Double { (value * 1_000_000).rounded() / 1_000_000 }
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
            self.ratios = Ratios(selfSufficiency: ratios.selfSufficiency.map(Flow.rounded), selfConsumption: ratios.selfConsumption.map(Flow.rounded))
            self.money = money.map { Money(currency: $0.currency, cost: Flow.rounded($0.cost), earnings: Flow.rounded($0.earnings), savings: Flow.rounded($0.savings)) }
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
