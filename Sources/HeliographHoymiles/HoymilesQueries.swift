import Foundation
import HeliographCore

/// What the REST endpoints for Hoymiles need, answered from any `SampleStore`: the inverters,
/// their latest values and history, their ports, and current plant production.
public struct HoymilesQueries: Sendable {
    /// One PV port as last reported.
    public struct PortReading: Sendable, Hashable, Codable {
        public var inverter: DeviceID
        public var serial: String?
        public var port: Int
        public var time: Date?
        public var voltage: Double?
        public var current: Double?
        public var power: Double?
        public var energyTodayKWh: Double?
        public var energyTotalKWh: Double?
    }

    /// Production summed over inverters from their latest samples.
    public struct Production: Sendable, Hashable, Codable {
        public var time: Date?
        public var powerW: Double
        public var energyTodayKWh: Double
        public var energyTotalKWh: Double?
        public var inverters: Int
        public var producingInverters: Int
    }

    public let store: any SampleStore

    public init(store: any SampleStore) {
        self.store = store
    }

    /// Registered Hoymiles inverters, optionally only those behind one DTU, by id.
    public func inverters(dtu: DeviceID? = nil) async throws -> [RegisteredDevice] {
        try await store.devices()
            .filter { $0.descriptor.kind == HoymilesFields.inverterKind && (dtu == nil || $0.descriptor.parent == dtu) }
            .sorted { $0.descriptor.id < $1.descriptor.id }
    }

    /// The latest sample of one inverter; `notFound` if it is not a registered Hoymiles inverter.
    public func latest(inverter: DeviceID) async throws -> Sample? {
        _ = try await registered(inverter)
        return try await store.latest(device: inverter)
    }

    /// History of one field of an inverter, aggregated in `step` buckets (chosen for ~300 points if nil).
    public func history(inverter: DeviceID, field: FieldID, from: Date, to: Date, step: Rollup? = nil) async throws -> [AggregatePoint] {
        _ = try await registered(inverter)
        return try await store.aggregates(SeriesKey(device: inverter, field: field), from: from, to: to, step: step ?? .suitable(from: from, to: to))
    }

    /// The ports of one inverter with their latest values.
    public func ports(inverter: DeviceID) async throws -> [PortReading] {
        let device = try await registered(inverter)
        let latest = try await store.latest(device: inverter)
        return Self.portNumbers(device.descriptor).map { port in
            PortReading(
                inverter: inverter,
                serial: device.descriptor.serial,
                port: port,
                time: latest?.time,
                voltage: latest?.number(HoymilesFields.pvVoltage(port)),
                current: latest?.number(HoymilesFields.pvCurrent(port)),
                power: latest?.number(HoymilesFields.pvPower(port)),
                energyTodayKWh: latest?.number(HoymilesFields.pvEnergyToday(port)),
                energyTotalKWh: latest?.number(HoymilesFields.pvEnergyTotal(port))
            )
        }
    }

    /// Each inverter's per-port lifetime totals (Wh) as last stored, for the DTU driver to hold
    /// after a restart; ports that never reported a total are left out.
    public func lastKnownTotals(dtu: DeviceID) async throws -> [HoymilesSerialNumber: [Int: Double]] {
        var totals: [HoymilesSerialNumber: [Int: Double]] = [:]
        for port in try await allPorts(dtu: dtu) {
            guard let text = port.serial, let serial = HoymilesSerialNumber(text), let kWh = port.energyTotalKWh, kWh > 0 else { continue }
            totals[serial, default: [:]][port.port] = kWh * 1_000
        }
        return totals
    }

    /// Every port of every inverter (behind one DTU if given).
    public func allPorts(dtu: DeviceID? = nil) async throws -> [PortReading] {
        var result: [PortReading] = []
        for inverter in try await inverters(dtu: dtu) {
            result += try await ports(inverter: inverter.descriptor.id)
        }
        return result
    }

    /// Current production over every inverter (behind one DTU if given).
    public func currentProduction(dtu: DeviceID? = nil) async throws -> Production {
        var production = Production(time: nil, powerW: 0, energyTodayKWh: 0, energyTotalKWh: 0, inverters: 0, producingInverters: 0)
        for inverter in try await inverters(dtu: dtu) {
            production.inverters += 1
            guard let sample = try await store.latest(device: inverter.descriptor.id) else {
                production.energyTotalKWh = nil
                continue
            }
            production.time = max(production.time ?? sample.time, sample.time)
            production.powerW += sample.number(CommonFields.pvPower.id) ?? 0
            production.energyTodayKWh += sample.number(CommonFields.pvEnergyToday.id) ?? 0
            if let total = sample.number(CommonFields.pvEnergyTotal.id), let sum = production.energyTotalKWh {
                production.energyTotalKWh = sum + total
            } else {
                production.energyTotalKWh = nil
            }
            if sample.number(HoymilesFields.asleep.id) == 0 { production.producingInverters += 1 }
        }
        return production
    }

    /// Port numbers named by a descriptor's `pvN_power_w` fields.
    public static func portNumbers(_ descriptor: DeviceDescriptor) -> [Int] {
        descriptor.fields.compactMap { field -> Int? in
            let id = field.id.rawValue
            guard id.hasPrefix("pv"), id.hasSuffix("_power_w") else { return nil }
            return Int(id.dropFirst(2).dropLast("_power_w".count))
        }.sorted()
    }

    private func registered(_ inverter: DeviceID) async throws -> RegisteredDevice {
        guard let device = try await store.devices().first(where: { $0.descriptor.id == inverter && $0.descriptor.kind == HoymilesFields.inverterKind }) else {
            throw HeliographError(.notFound, "no Hoymiles inverter \(inverter)", device: inverter)
        }
        return device
    }
}
