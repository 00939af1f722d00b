import Foundation
import HeliographCore
import HeliographPowervault

/// A house with a Powervault P3 battery, as its M4 controller would report it: a load curve with
/// morning and evening peaks, a schedule that force-charges overnight and covers the evening load
/// from the battery, and a state of charge that follows the energy in and out. Produces the P3's
/// topic payloads in its own units (mV, mA, mW, centi-percent) and signs.
struct PowervaultSimulatedPlant {
    /// Usable capacity in Wh.
    var capacity = 8_000.0
    /// Percent.
    var soc = 62.0
    var cycles = 844.0
    /// Battery power on the P3's wire convention: positive while discharging (W).
    private(set) var batteryPower = 0.0
    private(set) var housePower = 300.0
    private(set) var event = 0
    private(set) var setpoint = 0.0
    private var generator: SplitMix64

    init(seed: UInt64 = 0x5033) {
        generator = SplitMix64(seed: seed)
    }

    /// Advances by `seconds` to `secondOfDay` (local time).
    mutating func step(seconds: Double, secondOfDay: Double) {
        let hour = secondOfDay.truncatingRemainder(dividingBy: 86_400) / 3_600
        var load = 250.0
        if (7..<9).contains(hour) { load += 600 }
        if (17..<21.5).contains(hour) { load += 1_200 }
        load += (generator.next(in: 0...1) - 0.5) * 200
        housePower = max(80, load)

        if (0.5..<4.5).contains(hour) && soc < 100 {
            event = 3  // force charge
            setpoint = 2_500
            batteryPower = -min(2_500, (100 - soc) / 100 * capacity * 3_600 / max(seconds, 1))
        } else if (16..<23).contains(hour) && soc > 5 {
            event = 2  // discharge to cover the house
            setpoint = min(housePower, 3_000)
            batteryPower = min(setpoint, (soc - 5) / 100 * capacity * 3_600 / max(seconds, 1))
        } else {
            event = 0
            setpoint = 0
            batteryPower = 0
        }
        let energy = batteryPower * seconds / 3_600  // Wh out of the battery
        soc = min(100, max(0, soc - energy / capacity * 100))
        cycles += abs(energy) / capacity / 2
    }

    var batteryVoltage: Double { 47.5 + soc * 0.045 + (batteryPower < 0 ? 0.8 : batteryPower > 0 ? -0.4 : 0) }
    /// Grid power, positive while importing (W).
    var gridPower: Double { housePower - batteryPower }

    /// Every topic's payload for one round, as (suffix, JSON text).
    mutating func messages(localTime: String) -> [(String, String)] {
        let millivolts = Int((batteryVoltage * 1_000).rounded())
        let gridVolts: Double = 230 + (generator.next(in: 0...1) - 0.5) * 8
        let gridVoltage = Int((gridVolts * 1_000).rounded())
        let hertz: Double = 50 + (generator.next(in: 0...1) - 0.5) * 0.1
        let frequency = Int((hertz * 1_000).rounded())
        let amps: Double = -batteryPower / batteryVoltage
        let current = Int((amps * 1_000).rounded())  // mA, negative while discharging
        let warmth: Double = abs(batteryPower) / 2 + generator.next(in: 0...1) * 300
        let cellTemperature = 20_000 + Int(warmth)
        let socCenti = Int((soc * 100).rounded())
        let inverterGrid = Int(-batteryPower * 1_000)
        let house = Int(housePower * 1_000)
        let grid = Int(gridPower * 1_000)
        let auxiliaryWatts: Double = (generator.next(in: 0...1) - 0.5) * 3
        let auxiliary = Int(auxiliaryWatts * 1_000)
        let gridApparent = Int(abs(gridPower) * 1_050)
        let inverterTemperature = String(format: "%.1f", 35 + abs(batteryPower) / 250)
        let measurements: [String] = [
            #"{"channel":"BATTERY","measurement":"Voltage","value":\#(millivolts)}"#,
            #"{"channel":"BATTERY","measurement":"ChargeCurrent","value":0}"#,
            #"{"channel":"BATTERY","measurement":"Capacity","value":\#(Int(soc * 0.8))}"#,
            #"{"channel":"GRID","measurement":"Voltage","type":"Ac","value":\#(gridVoltage)}"#,
            #"{"channel":"GRID","measurement":"Frequency","value":\#(frequency)}"#,
            #"{"channel":"GRID","measurement":"Power","type":"Active","value":\#(inverterGrid)}"#,
            // The inverter's AC side as the second source reports it: what leaves the battery, at grid voltage.
            #"{"channel":"OUTPUT","measurement":"Power","type":"Active","value":\#(Int((batteryPower * 1_000).rounded()))}"#,
            #"{"channel":"OUTPUT","measurement":"Power","type":"Apparent","value":\#(Int((abs(batteryPower) * 1_030).rounded()))}"#,
            #"{"channel":"OUTPUT","measurement":"Voltage","value":\#(gridVoltage)}"#,
            #"{"channel":"OUTPUT","measurement":"Frequency","value":\#(frequency)}"#,
        ]
        let transformers: [String] = [
            #"{"channel":"LOCAL","measurement":"Power","type":"Active","value":\#(house)}"#,
            #"{"channel":"HOUSE","measurement":"Power","type":"Active","value":\#(grid)}"#,
            #"{"channel":"AUX1","measurement":"Power","type":"Active","value":\#(auxiliary)}"#,
            #"{"channel":"HOUSE","measurement":"Power","type":"Apparent","value":\#(gridApparent)}"#,
        ]
        // Every alarm key a P3 publishes, as the strings "0"/"1".
        var alarms: [String] = PowervaultFields.alarmKeys.map { key in
            let on = (key == "battery_low" && soc < 8) || (key == "battery_discharge_low" && soc < 6)
            return #""\#(key)":"\#(on ? 1 : 0)""#
        }
        alarms.append(#""inverter_temperature":\#(inverterTemperature)"#)
        alarms.append(#""boost_temperature":31.0"#)
        alarms.append(#""inner_temperature":28.5"#)
        alarms.append(#""warnings_summary":"0""#)
        alarms.append(#""timestamp":"\#(localTime)""#)
        var list: [(String, String)] = [
            ("bms/soc", #"[{"measurement":"StateOfCharge","value":\#(socCenti)}]"#),
            ("inverter/measurements", "[" + measurements.joined(separator: ",") + "]"),
            ("inverter/charge", #"{"power":\#(Int(batteryPower.rounded()))}"#),
            ("ffr/measurements", "[" + transformers.joined(separator: ",") + "]"),
            ("schedule/event", #"{"time":"\#(localTime)","event":\#(event),"setpoint":\#(Int(setpoint))}"#),
            ("m4/maxpower", #"[{"ChgPower":4792,"DchgPower":-6750}]"#),
            ("eps/status", #"{"Reserve":20,"Mode":0}"#),
            ("inverter/alarms", "{" + alarms.joined(separator: ",") + "}"),
        ]
        // Pylontech sends each measurement/type pair as its own one-element list.
        let pylontech: [(String, String, Int)] = [
            ("StateOfHealth", "Avg", 92), ("StateOfHealth", "Min", 90), ("CycleNumber", "Avg", Int(cycles)),
            ("CycleNumber", "Max", Int(cycles) + 33), ("CellVoltage", "Max", millivolts / 15 + 2), ("CellVoltage", "Min", millivolts / 15),
            ("CellTemperature", "Avg", cellTemperature), ("CellTemperature", "Max", cellTemperature + 400),
            ("CellTemperature", "Min", cellTemperature - 300), ("BMSTemperature", "Avg", cellTemperature + 200),
            ("ModuleVoltage", "Avg", millivolts - 50), ("Current", "Total", current), ("ChargeVoltageLimit", "", 53_250),
            ("DischargeVoltageLimit", "", 45_000), ("ChargeCurrentLimit", "", 60_000), ("DischargeCurrentLimit", "", -150_000),
        ]
        for (measurement, type, value) in pylontech {
            let typePart = type.isEmpty ? "" : #","type":"\#(type)""#
            list.append(("pylontech/info", #"[{"measurement":"\#(measurement)"\#(typePart),"value":\#(value)}]"#))
        }
        // Now and then one module reports its own SOC: not the pack's.
        if generator.next(in: 0...1) < 0.2 {
            let module = 1 + Int(generator.next(in: 0...1) * 4)
            list.append(("bms/soc", #"{"module_addr":\#(module),"StateOfCharge":\#(socCenti - 300)}"#))
        }
        return list
    }
}
