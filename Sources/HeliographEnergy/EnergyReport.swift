import HeliographCore

/// Everything known about a period's energy: the site, each device, and the bars of a chart.
public struct EnergyReport: Sendable, Hashable {
    public struct Device: Sendable, Hashable {
        public var descriptor: DeviceDescriptor
        public var figures: EnergyFigures
    }

    /// One bar: a day of a week or month view, a month of a year view.
    public struct Bar: Sendable, Hashable {
        public var span: EnergyPeriod.Span
        public var site: EnergyFigures
        /// Nil without a tariff.
        public var money: EnergyMoney?
    }

    public var period: EnergyPeriod
    /// Where the figures end: the period's end, or now while the period is running (ms since 1970).
    public var until: Int64
    /// The site: devices reached directly, summed (a Hoymiles inverter behind its DTU is in the DTU's
    /// figures already), then completed from the balance.
    public var site: EnergyFigures
    /// The site's cost, earnings and savings; nil without a tariff.
    public var money: EnergyMoney?
    public var devices: [Device]
    public var bars: [Bar]

    /// Self-sufficiency and self-consumption of the site over the period.
    public var ratios: EnergyRatios { EnergyRatios(site) }

    /// Counter steps skipped as impossible over the period, every device together.
    public var skippedCounterSteps: Int {
        devices.reduce(0) { total, device in total + device.figures.flows.values.reduce(0) { $0 + $1.skippedCounterSteps } }
    }
}
