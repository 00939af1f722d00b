import HeliographCore
import HeliographModbus
import HeliographSolarman
import Testing

@Suite("Deye register maps")
struct RegisterMapTests {
    @Test("every bundled map loads, has unique ids and plans its reads within the Modbus limit", arguments: RegisterMap.bundledNames)
    func bundledMapsLoad(name: String) throws {
        let map = try RegisterMap.bundled(name)
        #expect(map.name == name)
        #expect(map.fields.count >= 25)
        #expect(Set(map.fields.map(\.id)).count == map.fields.count)
        for field in map.fields { #expect(field.id.rawValue == field.id.rawValue.lowercased(), "\(field.id)") }
        for range in map.readPlan(includingSlow: true) { #expect(range.count <= 125) }
        #expect(map.field("pv_power_w") != nil)
    }

    @Test("unknown map names are a configuration error listing the bundled ones")
    func unknownMap() {
        #expect {
            try RegisterMap.bundled("solis")
        } throws: { error in
            let error = error as! HeliographError
            return error.code == .invalidConfiguration && error.message.contains("deye_single_phase_hybrid")
        }
    }

    func image(_ block: Fixtures.Block, start: UInt16) throws -> RegisterImage {
        let frame = try SolarmanV5Frame.decode(bytes(block.v5_response_hex))
        let payload = try SolarmanV5ResponsePayload.parse(frame.payload)
        #expect(payload.modbusFrame == bytes(block.modbus_response_hex))
        guard case .registers(_, let values) = try payload.modbusResponse().response else { throw TestFailureError() }
        var image = RegisterImage()
        image.insert(start: start, values: values)
        return image
    }

    struct TestFailureError: Error {}

    /// Expected-value labels of the synthetic vectors → our field ids (and the sign convention we use).
    static let block1: [(String, FieldID)] = [
        ("Today Energy (0x003C", "inverter_energy_today_kwh"), ("Total Energy (0x003F", "inverter_energy_total_kwh"),
        ("Today Battery Charge", "battery_charge_energy_today_kwh"), ("Today Battery Discharge", "battery_discharge_energy_today_kwh"),
        ("Total Battery Charge", "battery_charge_energy_total_kwh"), ("Total Battery Discharge", "battery_discharge_energy_total_kwh"),
        ("Today Energy Import", "grid_import_energy_today_kwh"), ("Today Energy Export", "grid_export_energy_today_kwh"),
        ("Total Energy Import", "grid_import_energy_total_kwh"), ("Grid Frequency", "grid_frequency_hz"),
        ("Total Energy Export", "grid_export_energy_total_kwh"), ("Today Load Consumption", "load_energy_today_kwh"),
        ("Total Load Consumption", "load_energy_total_kwh"), ("DC Temperature", "dc_temperature_c"),
        ("Temperature (0x005B", "inverter_temperature_c"), ("Total Production", "pv_energy_total_kwh"),
        ("Today Production", "pv_energy_today_kwh"), ("PV1 Voltage", "pv1_voltage_v"), ("PV1 Current", "pv1_current_a"),
        ("PV2 Voltage", "pv2_voltage_v"), ("PV2 Current", "pv2_current_a"),
    ]
    static let block2: [(String, FieldID, Double)] = [
        ("Grid L1 Voltage", "grid_voltage_v", 1), ("Grid Voltage (0x0098", "grid_l1_l2_voltage_v", 1),
        ("Output L1 Voltage", "ac_output_voltage_v", 1), ("Load L1 Voltage", "load_voltage_v", 1),
        ("Grid L1 Current", "grid_current_a", 1), ("Output L1 Current", "ac_output_current_a", 1),
        ("Grid L1 Power", "grid_l1_power_w", 1), ("Grid Power (0x00A9", "grid_power_w", 1), ("External Power", "external_ct_power_w", 1),
        ("Power (inverter output", "inverter_power_w", 1), ("Load Power", "load_power_w", 1),
        ("Battery Temperature", "battery_temperature_c", 1), ("Battery Voltage", "battery_voltage_v", 1), ("Battery SOC", "battery_soc_pct", 1),
        ("PV1 Power", "pv1_power_w", 1), ("PV2 Power", "pv2_power_w", 1), ("PV Power (sum", "pv_power_w", 1),
        // Deye: positive = discharging; Heliograph: positive = charging.
        ("Battery Power", "battery_power_w", -1), ("Battery Current", "battery_current_a", -1),
        ("Load Frequency", "load_frequency_hz", 1), ("Output Frequency", "ac_output_frequency_hz", 1),
    ]

    func expected(_ block: Fixtures.Block, _ prefix: String) -> Double? {
        guard let entry = block.expected.first(where: { $0.key.hasPrefix(prefix) })?.value else { return nil }
        if case .number(let number) = entry { return number }
        return nil
    }

    @Test("single-phase hybrid: both synthetic blocks decode to the expected values")
    func singlePhaseSynthetic() throws {
        let map = try RegisterMap.bundled("deye_single_phase_hybrid")
        let vectors = Fixtures.vectors
        var image = try image(vectors.block1, start: 0x3B)
        let second = try self.image(vectors.block2, start: 0x96)
        image.insert(start: 0x96, values: second.blocks[0].values)
        let values = map.decode(image)
        for (label, id) in Self.block1 {
            let want = try #require(expected(vectors.block1, label), "\(label)")
            let got = try #require(values[id]?.numeric, "\(id) missing")
            #expect(abs(got - want) < 1e-6, "\(id): \(got) != \(want)")
        }
        for (label, id, sign) in Self.block2 {
            let want = try #require(expected(vectors.block2, label), "\(label)")
            let got = try #require(values[id]?.numeric, "\(id) missing")
            #expect(abs(got - sign * want) < 1e-6, "\(id): \(got) != \(sign * want)")
        }
        #expect(values["device_state"] == .text("Normal"))
        #expect(values["grid_connected"] == .flag(true))
        #expect(values["device_alarm"] == .text("OK"))
        #expect(values["battery_power_w"] == .number(1500))  // charging
        #expect(values["grid_power_w"] == .number(-800))  // exporting
    }

    @Test("the captured three-phase battery voltages decode with the LV map (0.01 V) and the HV map (0.1 V)")
    func threePhaseCaptured() throws {
        let pairs: [(String, UInt16, FieldID, Double)] = [
            ("response to 0x0076", 0x76, "battery_shutdown_voltage_v", 48.00), ("response to 0x0077", 0x77, "battery_restart_voltage_v", 51.20),
            ("response to 0x0078", 0x78, "battery_low_voltage_v", 49.60), ("response to 0x007E", 0x7E, "battery_grid_charge_start_voltage_v", 49.00),
        ]
        let lv = try RegisterMap.bundled("deye_three_phase_hybrid_lv")
        let hv = try RegisterMap.bundled("deye_three_phase_hybrid_hv")
        for (label, register, id, volts) in pairs {
            let payload = try SolarmanV5ResponsePayload.parse(try SolarmanV5Frame.decode(Fixtures.frame(label)).payload)
            let values = try payload.modbusResponse().response.registers(for: .readHoldingRegisters(address: register, count: 1))
            let image = RegisterImage(blocks: [.init(start: register, values: values)])
            #expect(lv.field(id)?.decode(image) == .number(volts))
            #expect(hv.field(id)?.decode(image) == .number(volts * 10))
        }
    }

    @Test("three-phase 32-bit powers combine a low word and a distant high word, signed")
    func threePhaseSigned32() throws {
        let map = try RegisterMap.bundled("deye_three_phase_hybrid_lv")
        let grid = try #require(map.field("grid_power_w"))
        #expect(grid.registers == [0x271, 0x2B2])
        let words = try #require(grid.encode(.number(-70_000)))
        #expect(words.map(\.register) == [0x271, 0x2B2])
        let image = RegisterImage(Dictionary(uniqueKeysWithValues: words.map { ($0.register, $0.word) }))
        #expect(grid.decode(image) == .number(-70_000))
        #expect(words[1].word == 0xFFFE)
    }

    @Test("encode then decode round-trips every numeric fast field of every map", arguments: RegisterMap.bundledNames)
    func roundTrip(name: String) throws {
        let map = try RegisterMap.bundled(name)
        for field in map.fields where field.sum == nil && field.type != .ascii && field.bit == nil && field.lookup == nil && field.bits == nil && !field.flag {
            let value = field.type == .s16 || field.type == .s32 ? -12.0 : 42.0
            let physical = field.type == .hhmm ? 2230 : (value * (field.scale < 0 ? -1 : 1)).rounded()
            let words = try #require(field.encode(.number(physical)), "\(field.id)")
            let image = RegisterImage(Dictionary(words.map { ($0.register, $0.word) }, uniquingKeysWith: { a, _ in a }))
            let decoded = try #require(field.decode(image)?.numeric, "\(field.id)")
            #expect(abs(decoded - physical) <= abs(field.scale) / 2 + 1e-9, "\(field.id): \(decoded) != \(physical)")
        }
    }

    @Test("alarm bits are named; unnamed bits say which bit")
    func bitNames() throws {
        let map = try RegisterMap.bundled("deye_single_phase_hybrid")
        let alarm = try #require(map.field("device_alarm"))
        let image = RegisterImage([0x65: 0b0000_0000_0000_0010 | 1 << 4, 0x66: 0x4000])
        #expect(alarm.decode(image) == .text("Fan failure, bit 4, Battery loss"))
    }

    @Test("the fields the seed's plausibility checks need use the common ids")
    func validatorFields() throws {
        for name in RegisterMap.bundledNames where name.contains("hybrid") {
            let map = try RegisterMap.bundled(name)
            #expect(map.field("battery_soc_pct")?.descriptor.plausibleRange == 0...100)
            #expect(map.field("battery_voltage_v")?.descriptor.unit == .volt)
        }
    }
}
