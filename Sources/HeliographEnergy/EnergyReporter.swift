import Foundation
import HeliographCore
import HeliographStorageBase

/// Computes a period's energy from the stored points of every registered device. The figures of each
/// complete day are kept (in memory, and in `energy-days.json` when given a file) with a fingerprint of
/// the day's hourly rollups (point count and sum per field, from an hour before to an hour after); data
/// that arrives late for a past day (a fleet edge emptying its outbox, a backfill) changes the
/// fingerprint, and the day is computed again.
public struct EnergyReporter: Sendable {
    public struct Configuration: Sendable, Hashable {
        /// Counter guards; `maximumPowerGap` is the gap limit for devices without a known poll interval.
        public var rules: EnergyRules
        /// A gap between readings longer than this many poll intervals is unknown energy (default 5).
        public var gapPolls: Double
        /// Each device's poll interval, where known.
        public var pollIntervals: [DeviceID: Duration]
        /// Prices for cost, earnings and savings; nil leaves money out.
        public var tariff: Tariff?

        public init(rules: EnergyRules = EnergyRules(), gapPolls: Double = 5, pollIntervals: [DeviceID: Duration] = [:], tariff: Tariff? = nil) {
            self.rules = rules
            self.gapPolls = gapPolls
            self.pollIntervals = pollIntervals
            self.tariff = tariff
        }

        /// The rules for one device: the gap limit from its poll interval when known.
        public func rules(for device: DeviceID) -> EnergyRules {
            var rules = self.rules
            if let interval = pollIntervals[device] { rules.maximumPowerGap = interval * gapPolls }
            return rules
        }
    }

    public let store: any SampleStore
    public let timeZone: TimeZone
    public let configuration: Configuration
    /// Figures of complete days, kept while their stored data stays the same.
    let cache: EnergyDayCache

    /// - Parameter daysFile: where complete days are kept across restarts; nil keeps them in memory only.
    public init(store: any SampleStore, timeZone: TimeZone, configuration: Configuration = Configuration(), daysFile: EnergyDaysFile? = nil) {
        self.store = store
        self.timeZone = timeZone
        self.configuration = configuration
        cache = EnergyDayCache(file: daysFile)
    }

    /// Days kept and counter steps skipped in them, for `/stats`.
    public var statistics: EnergyStatistics { cache.statistics }

    /// The period's energy up to `now`.
    public func report(_ period: EnergyPeriod, now: Date = Date()) async throws -> EnergyReport {
        let slots = Slots(period: period, until: min(period.end, now.storageMilliseconds), tariff: configuration.tariff)
        var devices: [(descriptor: DeviceDescriptor, slots: [EnergyFigures])] = []
        for registered in try await store.devices().sorted(by: { $0.descriptor.id.rawValue < $1.descriptor.id.rawValue }) {
            let descriptor = registered.descriptor
            let catalogue = EnergyFieldCatalogue(descriptor)
            guard !catalogue.feeds.isEmpty, slots.boundaries.count > 1 else { continue }
            let rules = configuration.rules(for: descriptor.id)
            let calculator = DeviceEnergyCalculator(catalogue: catalogue, rules: rules, timeZone: timeZone)
            let figures = try await deviceFigures(descriptor.id, calculator: calculator, slots: slots)
            devices.append((descriptor, figures))
        }
        cache.save()
        let topLevel = devices.filter { $0.descriptor.parent == nil }
        // Flows a device does not measure are closed from the balance per day or tariff window in every
        // view, so a day's total is the same in a day view as in a week view; the hour bars of a day view
        // close it per hour (an hour's export no longer cancels another hour's import there).
        let groups = slots.groups
        let deviceGroups = devices.map { device in
            groups.map { group in Self.completed(EnergyFigures.joined(group.map { device.slots[$0] })) }
        }
        let topLevelGroups = deviceGroups.indices.filter { devices[$0].descriptor.parent == nil }.map { deviceGroups[$0] }
        let site = groups.indices.map { group in
            Self.completed(EnergyFigures.summed(topLevelGroups.map { $0[group] }, spanMilliseconds: groups[group].reduce(0) { $0 + slots.spans[$1] }))
        }
        let barSlots = slots.spans.indices.map { index in
            Self.completed(EnergyFigures.summed(topLevel.map { Self.completed($0.slots[index]) }, spanMilliseconds: slots.spans[index]))
        }
        // Each slot, and so each group, lies inside one tariff window: its energy is priced at that window's prices.
        func priced(_ figures: [EnergyFigures], prices: [(import: Double, export: Double)]) -> [EnergyMoney]? {
            configuration.tariff.map { tariff in zip(figures, prices).map { EnergyMoney($0, prices: $1, currency: tariff.currency) } }
        }
        let money = priced(site, prices: groups.map { slots.prices.isEmpty ? (0, 0) : slots.prices[$0.lowerBound] })
        let barMoney = priced(barSlots, prices: slots.prices)
        func total(_ money: [EnergyMoney]?, _ indices: [Int]) -> EnergyMoney? {
            money.map { money in indices.reduce(EnergyMoney(currency: configuration.tariff?.currency ?? "")) { $0 + money[$1] } }
        }
        let bars = period.bars.map { bar in
            let indices = slots.indices(within: bar)
            return EnergyReport.Bar(span: bar, site: EnergyFigures.joined(indices.map { barSlots[$0] }), money: total(barMoney, indices))
        }
        return EnergyReport(
            period: period,
            until: slots.until,
            site: EnergyFigures.joined(site),
            money: total(money, Array(site.indices)),
            devices: devices.indices.map { EnergyReport.Device(descriptor: devices[$0].descriptor, figures: EnergyFigures.joined(deviceGroups[$0])) },
            bars: bars
        )
    }

    /// The figures with the flows nobody measured closed from the balance of the others.
    static func completed(_ figures: EnergyFigures) -> EnergyFigures {
        EnergyFigures(flows: EnergyBalance.complete(figures.flows, spanMilliseconds: figures.spanMilliseconds), spanMilliseconds: figures.spanMilliseconds)
    }

    /// One device's figures per slot. Complete days whose stored data has not changed since they were
    /// computed come from `cache`; the others are computed from the points, consecutive days in one read.
    func deviceFigures(_ device: DeviceID, calculator: DeviceEnergyCalculator, slots: Slots) async throws -> [EnergyFigures] {
        let gap = calculator.rules.maximumPowerGap.milliseconds
        let fields = calculator.catalogue.fields.sorted { $0.rawValue < $1.rawValue }
        let days = slots.days
        let fingerprints = try await EnergyDayCache.fingerprints(
            store: store, device: device, fields: fields, days: days.map(\.bounds), margin: gap, seed: Self.seed(calculator))
        let keys = days.map { EnergyDayCache.Key(device: device, boundaries: Array(slots.boundaries[$0.slots.lowerBound...$0.slots.upperBound])) }
        var perDay: [[EnergyFigures]?] = days.indices.map { index in
            days[index].complete ? cache.figures(keys[index], fingerprint: fingerprints[index]) : nil
        }
        var first = 0
        while first < days.count {
            guard perDay[first] == nil else {
                first += 1
                continue
            }
            var last = first
            while last + 1 < days.count, perDay[last + 1] == nil { last += 1 }
            let boundaries = Array(slots.boundaries[days[first].slots.lowerBound...days[last].slots.upperBound])
            // The counters' baseline is the last reading before the run, at most one gap earlier; the first
            // reading after its end closes the last span (both are split at the boundary).
            var points: [FieldID: [StoredPoint]] = [:]
            for field in fields {
                let stored = try await store.points(
                    SeriesKey(device: device, field: field),
                    from: Date(storageMilliseconds: boundaries[0] - gap), to: Date(storageMilliseconds: boundaries[boundaries.count - 1] + gap))
                points[field] = stored.map { StoredPoint(time: $0.time.storageMilliseconds, value: $0.value) }
            }
            // Measured flows only: the report closes the balance per day or tariff window (and per hour bar).
            let flows = calculator.energy(points: points, boundaries: boundaries, completing: false)
            let figures = zip(flows, zip(boundaries, boundaries.dropFirst())).map { EnergyFigures(flows: $0, spanMilliseconds: $1.1 - $1.0) }
            for index in first...last {
                let offset = days[index].slots.lowerBound - days[first].slots.lowerBound
                let dayFigures = Array(figures[offset..<offset + days[index].slots.count])
                perDay[index] = dayFigures
                if days[index].complete {
                    cache.store(dayFigures, key: keys[index], fingerprint: fingerprints[index], persist: !days[index].hourly)
                }
            }
            first = last + 1
        }
        return perDay.flatMap { $0 ?? [] }
    }

    /// What a day's figures depend on besides its points: the calculation's version, the counter and
    /// gap rules, and which fields feed which flow.
    static func seed(_ calculator: DeviceEnergyCalculator) -> StableHasher {
        var seed = StableHasher()
        seed.combine(EnergyDaysFile.version)
        seed.combine(String(describing: calculator.rules))
        seed.combine(calculator.timeZone.identifier)
        for flow in EnergyFlow.allCases {
            guard let feed = calculator.catalogue.feeds[flow] else { continue }
            seed.combine(flow.rawValue)
            for field in feed.fields { seed.combine(field.id.rawValue + " " + field.unit.rawValue) }
            seed.combine(feed.power?.part.rawValue ?? "-")
        }
        return seed
    }
}

/// The spans a period is computed in: its local days, cut at `until` while the period is running, at
/// the edges of the tariff's time-of-use windows and at the hours of a day view.
struct Slots {
    let until: Int64
    /// Ascending; slot `i` is `boundaries[i]..<boundaries[i + 1]`.
    private(set) var boundaries: [Int64] = []
    /// The tariff's prices in each slot (empty without a tariff).
    private(set) var prices: [(import: Double, export: Double)] = []
    /// Whether each slot starts a day or a tariff window, rather than an hour of a day view.
    private var startsGroup: [Bool] = []
    /// Each local day up to `until`: its bounds (cut at `until`), its slots, whether it is over, whether
    /// it is cut into the hours of a day view.
    private(set) var days: [(bounds: Range<Int64>, slots: Range<Int>, complete: Bool, hourly: Bool)] = []

    init(period: EnergyPeriod, until: Int64, tariff: Tariff? = nil) {
        self.until = until
        let calendar = EnergyPeriod.calendar(period.timeZone)
        for day in period.days where day.start < until {
            let end = min(day.end, until)
            // The hour bars of a day view cut the day too; bars of longer views start at midnight.
            let barCuts = period.bars.map(\.start).filter { $0 > day.start && $0 < end }
            let tariffCuts = tariff?.cuts(dayStart: day.start, end: end, calendar: calendar) ?? []
            let cuts = Set(barCuts + tariffCuts).sorted()
            days.append((day.start..<end, boundaries.count..<boundaries.count + 1 + cuts.count, day.end <= until, !barCuts.isEmpty))
            let windowEdges = Set(tariffCuts)
            for start in [day.start] + cuts {
                boundaries.append(start)
                startsGroup.append(start == day.start || windowEdges.contains(start))
                if let tariff {
                    let clock = calendar.dateComponents([.hour, .minute], from: Date(storageMilliseconds: start))
                    prices.append(tariff.prices(atMinute: (clock.hour ?? 0) * 60 + (clock.minute ?? 0)))
                }
            }
        }
        if let last = period.days.last(where: { $0.start < until }) { boundaries.append(min(last.end, until)) }
    }

    var spans: [Int64] { zip(boundaries, boundaries.dropFirst()).map { $1 - $0 } }

    /// Consecutive slots that make one day or one tariff window: the hours of a day view joined again.
    /// Without hour cuts every slot is a group of its own.
    var groups: [Range<Int>] {
        var groups: [Range<Int>] = []
        for index in startsGroup.indices {
            if startsGroup[index] || groups.isEmpty {
                groups.append(index..<index + 1)
            } else {
                groups[groups.count - 1] = groups[groups.count - 1].lowerBound..<index + 1
            }
        }
        return groups
    }

    /// The slots inside `span`.
    func indices(within span: EnergyPeriod.Span) -> [Int] {
        zip(boundaries, boundaries.dropFirst()).enumerated().compactMap { index, slot in
            slot.0 >= span.start && slot.1 <= span.end ? index : nil
        }
    }
}
