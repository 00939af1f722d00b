import HeliographCore
import HeliographSolarman
import Testing

/// Issue 18 item 6: three-phase hybrids have up to 8 MPPT inputs; PV5-PV8 live at 0x02CF-0x02DA
/// (voltages, then currents, then powers; shared/protocols/03_deye_sunsynk_registers.md).
@Suite struct ThreePhasePVTests {
    @Test(arguments: [("deye_three_phase_hybrid_lv", 1.0), ("deye_three_phase_hybrid_hv", 10.0)])
    func pv5ToPv8AreReadAndCountInThePVTotal(_ model: String, _ powerScale: Double) throws {
        let map = try RegisterMap.bundled(model)
        var registers: [UInt16: UInt16] = [:]
        for index in 0..<4 {
            registers[0x02CF + UInt16(index)] = UInt16(3_500 + index)  // 350.0 V …
            registers[0x02D3 + UInt16(index)] = UInt16(50 + index)  // 5.0 A …
            registers[0x02D7 + UInt16(index)] = UInt16(170 + index)  // 170 W (×10 on HV) …
        }
        for register in UInt16(0x02A0)...0x02A3 { registers[register] = 100 }  // PV1-4: 100 each
        let values = map.decode(RegisterImage(registers))
        for pv in 5...8 {
            let index = Double(pv - 5)
            #expect(values[FieldID("pv\(pv)_voltage_v")] == .number(350 + index / 10))
            #expect(values[FieldID("pv\(pv)_current_a")] == .number(5 + index / 10))
            #expect(values[FieldID("pv\(pv)_power_w")] == .number((170 + index) * powerScale))
        }
        #expect(values["pv_power_w"] == .number((400 + 170 * 4 + 6) * powerScale))
        // The read plan covers them.
        #expect(Set(UInt16(0x02CF)...0x02DA).isSubset(of: map.registers(includingSlow: false)))
    }
}
