import Foundation
import HeliographCore

/// Builds samples from tracked inverters: one per inverter plus one with plant totals for the DTU.
public enum HoymilesSamples {
    /// The sample of one inverter. Asleep inverters report zero power and their held counters
    /// but no voltages, currents or temperatures (the DTU's would be stale or zero).
    public static func inverterSample(dtu: DeviceID, _ inverter: HoymilesProductionTracker.Inverter, at time: Date) -> Sample {
        var values: [FieldID: FieldValue] = [:]
        var power = 0.0
        var today = 0.0
        var total: Double?
        for port in inverter.ports {
            if let block = port.block {
                values[HoymilesFields.pvVoltage(port.number)] = .number(block.pvVoltage)
                values[HoymilesFields.pvCurrent(port.number)] = .number(block.pvCurrent)
                values[HoymilesFields.pvPower(port.number)] = .number(block.pvPower)
                power += block.pvPower
            } else {
                values[HoymilesFields.pvPower(port.number)] = .number(0)
            }
            values[HoymilesFields.pvEnergyToday(port.number)] = .number(port.energyTodayKWh)
            today += port.energyTodayKWh
            if let portTotal = port.energyTotalKWh {
                values[HoymilesFields.pvEnergyTotal(port.number)] = .number(portTotal)
                total = (total ?? 0) + portTotal
            }
        }
        values[CommonFields.pvPower.id] = .number(power)
        values[CommonFields.pvEnergyToday.id] = .number(today)
        // A partial sum would look like a drop, so the total appears only once every port has one.
        if let total, inverter.ports.allSatisfy({ $0.energyTotalKWh != nil }) {
            values[CommonFields.pvEnergyTotal.id] = .number(total)
        }
        if let block = inverter.block {
            values[CommonFields.gridVoltage.id] = .number(block.gridVoltage)
            values[CommonFields.gridFrequency.id] = .number(block.gridFrequency)
            values[CommonFields.inverterTemperature.id] = .number(block.temperature)
        }
        if let block = inverter.lastBlock {
            values[HoymilesFields.operatingStatus.id] = .number(Double(block.operatingStatus))
            values[HoymilesFields.alarmCode.id] = .number(Double(block.alarmCode))
            values[HoymilesFields.alarmCount.id] = .number(Double(block.alarmCount))
        }
        values[HoymilesFields.linked.id] = .flag(inverter.block?.isLinked ?? false)
        values[HoymilesFields.asleep.id] = .flag(inverter.isAsleep)
        return Sample(device: HoymilesFields.inverterDevice(dtu: dtu, serial: inverter.serial), time: time, values: values)
    }

    /// Plant totals over every known inverter, under the DTU's id.
    public static func dtuSample(dtu: DeviceID, _ inverters: [HoymilesProductionTracker.Inverter], at time: Date) -> Sample {
        let samples = inverters.map { inverterSample(dtu: dtu, $0, at: time) }
        var values: [FieldID: FieldValue] = [
            CommonFields.pvPower.id: .number(samples.compactMap { $0.number(CommonFields.pvPower.id) }.reduce(0, +)),
            CommonFields.pvEnergyToday.id: .number(samples.compactMap { $0.number(CommonFields.pvEnergyToday.id) }.reduce(0, +)),
            HoymilesFields.inverterCount.id: .number(Double(inverters.count)),
            HoymilesFields.producingInverterCount.id: .number(Double(inverters.filter { !$0.isAsleep }.count)),
            HoymilesFields.alarmActive.id: .flag(inverters.contains { ($0.lastBlock?.alarmCode ?? 0) != 0 }),
        ]
        let totals = samples.map { $0.number(CommonFields.pvEnergyTotal.id) }
        if !totals.isEmpty, totals.allSatisfy({ $0 != nil }) {
            values[CommonFields.pvEnergyTotal.id] = .number(totals.compactMap { $0 }.reduce(0, +))
        }
        return Sample(device: dtu, time: time, values: values)
    }
}
