import HeliographCore
import HeliographSolarman
import Testing

@Suite("Deye settings encoding")
struct SettingsEncodingTests {
    let map = try! RegisterMap.bundled("deye_single_phase_hybrid")

    @Test("work mode, currents and TOU slots map to the documented registers")
    func registers() throws {
        #expect(map.setting("work_mode")?.register == 0xF4)
        #expect(map.setting("battery_max_charge_current_a")?.register == 0xD2)
        #expect(map.setting("battery_max_discharge_current_a")?.register == 0xD3)
        #expect(map.setting("tou_slot1_start_hhmm")?.register == 0xFA)
        #expect(map.setting("tou_slot6_charge_source")?.register == 0x117)
        #expect(try map.setting("work_mode")!.registerValue(for: .choice("zero_export_to_ct")) == 2)
        #expect(try map.setting("battery_max_charge_current_a")!.registerValue(for: .number(120)) == 120)
        #expect(try map.setting("tou_slot2_start_hhmm")!.registerValue(for: .number(2230)) == 2230)
    }

    @Test("values outside the map's ranges are rejected before anything is written")
    func ranges() {
        let charge = map.setting("battery_max_charge_current_a")!
        #expect(charge.descriptor.values == .number(range: 0...240, step: 1, unit: .ampere))
        #expect(throws: HeliographError.self) { try charge.registerValue(for: .number(241)) }
        #expect(throws: HeliographError.self) { try charge.registerValue(for: .number(10.5)) }
        #expect(throws: HeliographError.self) { try map.setting("work_mode")!.registerValue(for: .choice("sell_everything")) }
        #expect(throws: HeliographError.self) { try map.setting("tou_slot1_start_hhmm")!.registerValue(for: .number(1260)) }
        #expect(throws: HeliographError.self) { try map.setting("grid_charge_enabled")!.registerValue(for: .number(1)) }
    }

    @Test("a toggle on one bit keeps the other bits")
    func bitToggle() throws {
        let tou = map.setting("time_of_use_enabled")!
        #expect(try tou.registerValue(for: .toggle(true), current: 0b1111_1110) == 0b1111_1111)
        #expect(try tou.registerValue(for: .toggle(false), current: 0b1111_1111) == 0b1111_1110)
        #expect(tou.settingValue(from: 0b1111_1111) == .toggle(true))
        #expect(throws: HeliographError.self) { try tou.registerValue(for: .toggle(true)) }
    }

    @Test("read-back turns register values into setting values")
    func readBack() {
        #expect(map.setting("work_mode")!.settingValue(from: 1) == .choice("zero_export_to_load"))
        #expect(map.setting("grid_charge_enabled")!.settingValue(from: 1) == .toggle(true))
        #expect(map.setting("tou_slot3_power_w")!.settingValue(from: 2500) == .number(2500))
    }
}
