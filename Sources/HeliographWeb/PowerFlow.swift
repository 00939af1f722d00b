import Foundation
import HeliographCore
import Hummingbird

/// The whole site's power balance from the newest sample of every device: what the dashboard draws.
///
/// Signs follow `CommonFields`: battery positive while charging, grid positive while importing.
struct PowerFlow: ResponseEncodable, Equatable {
    var time: Date?
    var pvW: Double?
    var batteryW: Double?
    var batterySocPct: Double?
    var gridW: Double?
    var loadW: Double?
    /// Devices whose values were summed, by role.
    var sources: [String: [String]]

    /// Sums each role over devices; state of charge is the mean. A role nobody reports stays nil,
    /// except the grid, which is the balance of load, PV and battery when those three are known.
    init(latest: [Sample]) {
        var sums: [String: Double] = [:]
        var socs: [Double] = []
        var sources: [String: [String]] = [:]
        for sample in latest.sorted(by: { $0.device < $1.device }) {
            func add(_ role: String, _ value: Double?) {
                guard let value, value.isFinite else { return }
                sums[role, default: 0] += value
                sources[role, default: []].append(sample.device.rawValue)
            }
            add("pv", sample.number(CommonFields.pvPower.id) ?? Self.sumOfStrings(sample))
            add("battery", sample.number(CommonFields.batteryPower.id))
            add("grid", sample.number(CommonFields.gridPower.id))
            add("load", sample.number(CommonFields.loadPower.id))
            if let soc = sample.number(CommonFields.batterySOC.id) {
                socs.append(soc)
                sources["soc", default: []].append(sample.device.rawValue)
            }
        }
        // Rounded like every number the API gives: the common power fields' precision (whole watts) and SOC's.
        func watts(_ role: String) -> Double? { sums[role].map { NumberFormat.rounded($0, decimals: CommonFields.pvPower.precision) } }
        self.time = latest.map(\.time).max()
        self.pvW = watts("pv")
        self.batteryW = watts("battery")
        self.gridW = watts("grid")
        self.loadW = watts("load")
        // Inverters without a grid meter (PI30): the grid covers what PV and battery do not, as the energy report takes it.
        if gridW == nil, let load = loadW, let pv = pvW, let battery = batteryW {
            gridW = NumberFormat.rounded(load - pv + battery, decimals: CommonFields.pvPower.precision)
            sources["grid"] = ["balance"]
        }
        self.batterySocPct = socs.isEmpty ? nil : NumberFormat.rounded(socs.reduce(0, +) / Double(socs.count), decimals: CommonFields.batterySOC.precision)
        self.sources = sources
    }

    /// `pv1_power_w + pv2_power_w + …` for devices that only report per-string power.
    static func sumOfStrings(_ sample: Sample) -> Double? {
        let strings = sample.values.compactMap { key, value -> Double? in
            let id = key.rawValue
            guard id.hasPrefix("pv"), id.hasSuffix("_power_w"), id.dropFirst(2).dropLast(8).allSatisfy(\.isNumber),
                id.count > 10
            else { return nil }
            return value.numeric
        }
        return strings.isEmpty ? nil : strings.reduce(0, +)
    }
}
