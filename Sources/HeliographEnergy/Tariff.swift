import Foundation
import HeliographStorageBase

/// What a kWh costs from the grid and earns when exported, optionally by time of day.
public struct Tariff: Sendable, Hashable {
    /// A time-of-use window with its own prices, in local clock time of the site. `end` may be smaller
    /// than `start` for a window across midnight; a price left out is the tariff's own.
    public struct Window: Sendable, Hashable {
        public var name: String
        /// Minutes after local midnight, 0..<1440 (start) and 1...1440 (end).
        public var start: Int
        public var end: Int
        public var importPrice: Double?
        public var exportPrice: Double?

        public init(name: String, start: Int, end: Int, importPrice: Double? = nil, exportPrice: Double? = nil) {
            self.name = name
            self.start = start
            self.end = end
            self.importPrice = importPrice
            self.exportPrice = exportPrice
        }

        public func contains(minute: Int) -> Bool {
            start < end ? (start..<end).contains(minute) : minute >= start || minute < end
        }
    }

    /// An ISO 4217 code or a symbol, only shown.
    public var currency: String
    /// Per kWh.
    public var importPrice: Double
    public var exportPrice: Double
    public var windows: [Window]

    public init(currency: String, importPrice: Double, exportPrice: Double = 0, windows: [Window] = []) {
        self.currency = currency
        self.importPrice = importPrice
        self.exportPrice = exportPrice
        self.windows = windows
    }

    /// Prices at a local clock time (minutes after midnight): the first window holding it, else the base prices.
    public func prices(atMinute minute: Int) -> (import: Double, export: Double) {
        guard let window = windows.first(where: { $0.contains(minute: minute) }) else { return (importPrice, exportPrice) }
        return (window.importPrice ?? importPrice, window.exportPrice ?? exportPrice)
    }

    /// Where prices may change inside the local day `start..<end` (ms): each window edge as that day's clock
    /// time. A clock time the day skips (01:30 on a spring-forward day) becomes the next one that exists.
    func cuts(dayStart start: Int64, end: Int64, calendar: Calendar) -> [Int64] {
        let midnight = Date(storageMilliseconds: start)
        let edges = Set(windows.flatMap { [$0.start, $0.end] }).filter { $0 > 0 && $0 < 1_440 }
        return edges.compactMap { minute in
            calendar.date(bySettingHour: minute / 60, minute: minute % 60, second: 0, of: midnight).map(\.storageMilliseconds)
        }.filter { $0 > start && $0 < end }.sorted()
    }
}

/// What a span's energy cost and earned under a tariff.
///
/// - cost = Σ import × import price of the time it was imported
/// - earnings = Σ export × export price
/// - savings = Σ load × import price − (cost − earnings): what the same consumption would have cost
///   with everything from the grid, less the net bill actually run up.
public struct EnergyMoney: Sendable, Hashable, Codable {
    public var currency: String
    public var cost: Double
    public var earnings: Double
    public var savings: Double

    public init(currency: String, cost: Double = 0, earnings: Double = 0, savings: Double = 0) {
        self.currency = currency
        self.cost = cost
        self.earnings = earnings
        self.savings = savings
    }

    /// Prices one span's site figures at the given prices. Unknown flows count nothing (the coverage says so).
    init(_ figures: EnergyFigures, prices: (import: Double, export: Double), currency: String) {
        let imported = figures.kilowattHours(.gridImport) ?? 0
        let exported = figures.kilowattHours(.gridExport) ?? 0
        let load = figures.kilowattHours(.load) ?? 0
        self.init(
            currency: currency,
            cost: imported * prices.import,
            earnings: exported * prices.export,
            savings: load * prices.import - imported * prices.import + exported * prices.export
        )
    }

    static func + (lhs: EnergyMoney, rhs: EnergyMoney) -> EnergyMoney {
        EnergyMoney(currency: lhs.currency, cost: lhs.cost + rhs.cost, earnings: lhs.earnings + rhs.earnings, savings: lhs.savings + rhs.savings)
    }
}
