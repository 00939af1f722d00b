import Foundation
import HeliographCore
import Testing

@testable import HeliographWeb

/// The dashboard's power flow for an inverter with no grid meter (PI30, the demo's): the grid is the balance.
@Suite struct PowerFlowTests {
    static let now = Date(timeIntervalSince1970: 1_796_299_200)

    @Test("without a grid reading the grid is load − PV + battery charge; a reported grid wins")
    func gridIsTheBalance() {
        let onBattery = PowerFlow(latest: [Sample(device: "inv", time: Self.now, values: ["pv_power_w": .number(0), "load_power_w": .number(900), "battery_power_w": .number(-900)])])
        #expect(onBattery.gridW == 0 && onBattery.sources["grid"] == ["balance"])
        let onLine = PowerFlow(latest: [Sample(device: "inv", time: Self.now, values: ["pv_power_w": .number(300), "load_power_w": .number(900), "battery_power_w": .number(150)])])
        #expect(onLine.gridW == 750, "imports what PV leaves of load and charge")
        let exporting = PowerFlow(latest: [Sample(device: "inv", time: Self.now, values: ["pv_power_w": .number(3_000), "load_power_w": .number(500), "battery_power_w": .number(1_000)])])
        #expect(exporting.gridW == -1_500)
        let metered = PowerFlow(latest: [Sample(device: "inv", time: Self.now, values: ["pv_power_w": .number(0), "load_power_w": .number(900), "battery_power_w": .number(0), "grid_power_w": .number(880)])])
        #expect(metered.gridW == 880 && metered.sources["grid"] == ["inv"])
        let partial = PowerFlow(latest: [Sample(device: "inv", time: Self.now, values: ["load_power_w": .number(900)])])
        #expect(partial.gridW == nil, "not guessed from a part of the balance")
    }
}
