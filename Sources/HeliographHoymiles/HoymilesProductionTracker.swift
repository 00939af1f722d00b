import Foundation

/// Turns the DTU's unreliable energy counters into ones that are safe to store and chart.
///
/// The DTU reports 0 (or stale values) for an inverter it has lost contact with, and all night
/// while inverters sleep. A zero is therefore "unknown", never a reset: lifetime totals only
/// rise and are held while unknown; the daily counter is held during the day and restarts only
/// when the production day (per `HoymilesDailyReset`) changes. The 16-bit daily counter's wrap at
/// 65 535 Wh is unwrapped. Inverters seen before but missing from a scan are reported asleep
/// with their held counters.
public struct HoymilesProductionTracker: Sendable {
    /// Held counters of one port.
    struct PortCounters: Sendable {
        var day: String
        var todayWh: Double = 0
        var totalWh: Double?
        var lastRawToday: UInt16?
        var wrapOffset: Double = 0
    }

    /// One port after tracking.
    public struct Port: Sendable, Hashable {
        public var number: Int
        /// Nil while the inverter is asleep: the DTU's values would be stale.
        public var block: HoymilesPortBlock?
        public var energyTodayKWh: Double
        /// Nil until the DTU reported a plausible total once.
        public var energyTotalKWh: Double?
    }

    /// One inverter after tracking.
    public struct Inverter: Sendable, Hashable {
        public var serial: HoymilesSerialNumber
        public var isAsleep: Bool
        /// Inverter-level block (grid, temperature, status) if the inverter is awake.
        public var block: HoymilesPortBlock?
        /// The last block seen, awake or not, for status and alarm codes.
        public var lastBlock: HoymilesPortBlock?
        public var ports: [Port]
    }

    public var dailyReset: HoymilesDailyReset
    private var counters: [HoymilesSerialNumber: [Int: PortCounters]] = [:]
    private var lastBlocks: [HoymilesSerialNumber: HoymilesPortBlock] = [:]
    /// Inverters in order of discovery.
    public private(set) var knownSerials: [HoymilesSerialNumber] = []

    public init(dailyReset: HoymilesDailyReset) {
        self.dailyReset = dailyReset
    }

    /// Folds one scan in and returns every inverter known so far, held values included.
    public mutating func update(_ readings: [HoymilesInverterReading], at time: Date) -> [Inverter] {
        let day = dailyReset.day(of: time)
        var seen: Set<HoymilesSerialNumber> = []
        var result: [HoymilesSerialNumber: Inverter] = [:]
        for reading in readings {
            seen.insert(reading.serial)
            if !knownSerials.contains(reading.serial) { knownSerials.append(reading.serial) }
            let awake = reading.isAwake
            var ports: [Port] = []
            var portCounters = counters[reading.serial] ?? [:]
            for block in reading.ports {
                let number = Int(block.portNumber)
                var held = rolled(portCounters[number] ?? PortCounters(day: day), to: day)
                fold(block, awake: awake, into: &held)
                portCounters[number] = held
                ports.append(Port(number: number, block: awake ? block : nil, energyTodayKWh: held.todayWh / 1_000, energyTotalKWh: held.totalWh.map { $0 / 1_000 }))
            }
            counters[reading.serial] = portCounters
            if let block = reading.inverterBlock { lastBlocks[reading.serial] = block }
            result[reading.serial] = Inverter(
                serial: reading.serial,
                isAsleep: !awake,
                block: awake ? reading.inverterBlock : nil,
                lastBlock: lastBlocks[reading.serial],
                ports: ports
            )
        }
        for serial in knownSerials where !seen.contains(serial) {
            var portCounters = counters[serial] ?? [:]
            var ports: [Port] = []
            for number in portCounters.keys.sorted() {
                let held = rolled(portCounters[number]!, to: day)
                portCounters[number] = held
                ports.append(Port(number: number, block: nil, energyTodayKWh: held.todayWh / 1_000, energyTotalKWh: held.totalWh.map { $0 / 1_000 }))
            }
            counters[serial] = portCounters
            result[serial] = Inverter(serial: serial, isAsleep: true, block: nil, lastBlock: lastBlocks[serial], ports: ports)
        }
        return knownSerials.compactMap { result[$0] }
    }

    /// Takes each port's last known lifetime total (Wh, e.g. from the store after a restart) as its
    /// held total, unless a higher one is held already; the inverters become known, so one that is
    /// dead now is reported asleep with this total and the plant total is not hidden by it.
    public mutating func seed(totals: [HoymilesSerialNumber: [Int: Double]]) {
        for (serial, ports) in totals.sorted(by: { $0.key < $1.key }) where !ports.isEmpty {
            if !knownSerials.contains(serial) { knownSerials.append(serial) }
            var portCounters = counters[serial] ?? [:]
            for (number, totalWh) in ports where totalWh.isFinite && totalWh > 0 {
                // An empty day: the first update rolls it to the current one with today at zero.
                var held = portCounters[number] ?? PortCounters(day: "")
                held.totalWh = max(held.totalWh ?? 0, totalWh)
                portCounters[number] = held
            }
            counters[serial] = portCounters
        }
    }

    /// A new production day starts the daily counter from zero; the total is kept.
    private func rolled(_ counters: PortCounters, to day: String) -> PortCounters {
        guard counters.day != day else { return counters }
        return PortCounters(day: day, todayWh: 0, totalWh: counters.totalWh)
    }

    private func fold(_ block: HoymilesPortBlock, awake: Bool, into held: inout PortCounters) {
        // A lost inverter reads as all zeros: nothing in the block is a measurement.
        let zeroed = block.totalProductionWh == 0 && block.todayProductionWh == 0
        if block.totalProductionWh > 0, Double(block.totalProductionWh) >= (held.totalWh ?? 0) {
            held.totalWh = Double(block.totalProductionWh)
        }
        // While asleep the daily register may still show yesterday's value after the reset hour.
        guard awake, !zeroed else { return }
        let raw = block.todayProductionWh
        if let last = held.lastRawToday, raw < last, last - raw > 0x8000 {
            held.wrapOffset += 65_536
        }
        held.lastRawToday = raw
        held.todayWh = max(held.todayWh, Double(raw) + held.wrapOffset)
    }
}
