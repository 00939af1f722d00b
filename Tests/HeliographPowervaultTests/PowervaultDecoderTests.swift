import HeliographCore
import HeliographDevices
import HeliographPowervault
import NIOCore
import Testing

/// The P3 payload shapes of shared/protocols/05_powervault_p3_mqtt.md, decoded to our fields.
@Suite("Powervault P3 and sensor payloads")
struct PowervaultDecoderTests {
    let decoder = PowervaultDecoder()

    func decode(_ suffix: String, _ json: String) throws -> [FieldID: FieldValue] {
        try decoder.decode(suffix: suffix, payload: Array(json.utf8))
    }

    @Test("bms/soc: aggregate list and legacy dict are the pack SOC; per-module messages are not")
    func stateOfCharge() throws {
        #expect(try decode("bms/soc", #"[{"measurement":"StateOfCharge","value":9700}]"#) == ["battery_soc_pct": 97])
        #expect(try decode("bms/soc", #"{"usable_soc":9700}"#) == ["battery_soc_pct": 97])
        #expect(try decode("bms/soc", #"{"module_addr":4,"StateOfCharge":8200}"#).isEmpty)
    }

    @Test("inverter/measurements: matched by channel and measurement, milli-units scaled")
    func inverterMeasurements() throws {
        let values = try decode("inverter/measurements", """
            [{"channel":"GRID","measurement":"Frequency","value":50000},
             {"channel":"BATTERY","measurement":"ChargeCurrent","value":0},
             {"channel":"BATTERY","measurement":"Voltage","value":49800},
             {"channel":"GRID","measurement":"Voltage","type":"Ac","value":225800},
             {"channel":"BATTERY","measurement":"Capacity","value":77}]
            """)
        #expect(values == ["battery_voltage_v": 49.8, "grid_voltage_v": 225.8, "grid_frequency_hz": 50, "battery_capacity_pct": 77])
    }

    @Test("alarms are the strings \"0\"/\"1\"; temperatures are plain °C; unknown keys ignored")
    func alarms() throws {
        let values = try decode("inverter/alarms", #"{"fan_lock":"0","battery_low":"1","inverter_temperature":42.5,"warnings_summary":"x","timestamp":"t"}"#)
        #expect(values["alarm_fan_lock"] == .flag(false))
        #expect(values["alarm_battery_low"] == .flag(true))
        #expect(values["alarm_active"] == .flag(true))
        #expect(values["inverter_temperature_c"] == 42.5)
    }

    @Test("signs: battery power and current positive while charging, grid positive while importing")
    func signs() throws {
        #expect(try decode("inverter/charge", #"{"power": 591}"#) == ["battery_power_w": -591])
        #expect(try decode("inverter/charge", #"{"power": -1500}"#) == ["battery_power_w": 1500])
        #expect(try decode("pylontech/info", #"[{"measurement":"Current","type":"Total","value":-10230}]"#) == ["battery_current_a": -10.23])
        let ct = #"[{"channel":"LOCAL","measurement":"Power","type":"Active","value":11736},{"channel":"HOUSE","measurement":"Power","type":"Active","value":-406464},{"channel":"AUX1","measurement":"Power","type":"Active","value":-1480},{"channel":"HOUSE","measurement":"Power","type":"Apparent","value":500000}]"#
        #expect(try decode("ffr/measurements", ct) == ["load_power_w": 11.736, "grid_power_w": -406.464, "aux_power_w": -1.48])
        // The CT roles are a setting: swapped labels.
        let swapped = PowervaultDecoder(roles: .init(grid: "LOCAL", house: "HOUSE"))
        #expect(try swapped.decode(suffix: "ffr/measurements", payload: Array(ct.utf8))["grid_power_w"] == 11.736)
    }

    @Test("pylontech/info pairs, schedule, max power and EPS in their list or object forms")
    func otherTopics() throws {
        #expect(try decode("pylontech/info", #"[{"measurement":"StateOfHealth","type":"Avg","value":92}]"#) == ["battery_soh_pct": 92])
        #expect(try decode("pylontech/info", #"[{"measurement":"CellVoltage","type":"Max","value":3317}]"#) == ["battery_cell_voltage_max_v": 3.317])
        #expect(try decode("pylontech/info", #"[{"measurement":"CellTemperature","type":"Avg","value":20100}]"#) == ["battery_temperature_c": 20.1])
        #expect(try decode("pylontech/info", #"[{"measurement":"DischargeCurrentLimit","value":-150000}]"#) == ["battery_discharge_current_limit_a": 150])
        #expect(try decode("schedule/event", #"{"time":"2025-12-18T07:46:49","event":3,"setpoint":2500}"#) == ["schedule_event": "force_charge", "schedule_setpoint_w": 2500])
        #expect(try decode("m4/maxpower", #"[{"ChgPower":4792,"DchgPower":-6750}]"#) == ["max_charge_power_w": 4792, "max_discharge_power_w": 6750])
        #expect(try decode("eps/status", #"[{"Reserve":15,"Mode":1}]"#) == ["eps_reserve_pct": 15, "eps_mode": 1])
        #expect(try decode("eps/status", #"{"Reserve":20,"Mode":0}"#) == ["eps_reserve_pct": 20, "eps_mode": 0])
    }

    @Test("malformed payloads throw malformedFrame with the text; unknown topics are ignored")
    func malformed() throws {
        for (suffix, payload) in [("bms/soc", "{\"StateOfCharge\": oops"), ("inverter/measurements", "\"just a string\""), ("eps/status", "{}"), ("inverter/charge", "[1,2]"), ("bms/soc", "")] {
            #expect(throws: HeliographError.self, "\(suffix) \(payload)") { try decode(suffix, payload) }
        }
        #expect(try decode("safetycheck/state", "whatever").isEmpty)
        do {
            _ = try decoder.decode(suffix: "bms/soc", payload: Array("not json".utf8))
            Issue.record("no error")
        } catch {
            #expect(error.code == .malformedFrame)
            #expect(error.message.contains("not json"))
        }
    }

    @Test("every decoded field is described")
    func fieldsDescribed() throws {
        let described = Set(PowervaultFields.all.map(\.id))
        #expect(described.count == PowervaultFields.all.count, "field ids are unique")
        let samples = [
            ("inverter/alarms", #"{"fan_lock":"0","pv2_loss":"1","boost_temperature":30,"inner_temperature":31}"#),
            ("pylontech/info", #"[{"measurement":"BMSTemperature","type":"Max","value":21000}]"#),
            ("inverter/measurements", #"[{"channel":"OUTPUT","measurement":"Power","type":"Apparent","value":1000},{"channel":"OUTPUT","measurement":"Voltage","value":230000}]"#),
        ]
        for (suffix, payload) in samples {
            for field in try decode(suffix, payload).keys { #expect(described.contains(field), "\(field)") }
        }
    }

    @Test("sensor topics: wildcard levels name fields, JSON members fan out, rules map and scale")
    func sensorMapping() throws {
        let mapping = MQTTSensorMapping(
            filters: ["house/+", "weather/#"],
            rules: ["zigbee/garage": .init(field: "garage_temperature_c", unit: .celsius, jsonKey: "temp", scale: 0.1)])
        func decode(_ topic: String, _ payload: String) throws -> [FieldID: FieldValue] {
            try mapping.decode(topic: topic, payload: ByteBuffer(string: payload))
        }
        #expect(mapping.subscriptions == ["house/+", "weather/#", "zigbee/garage"])
        #expect(try decode("house/kitchen_temperature", " 21.5\n") == ["kitchen_temperature": 21.5])
        #expect(try decode("house/Hall Light", "ON") == ["hall_light": .flag(true)])
        #expect(try decode("weather/outside/humidity", "71") == ["outside_humidity": 71])
        #expect(try decode("house/kitchen", #"{"temperature":21.5,"humidity":40,"linkquality":"x"}"#) == ["kitchen_temperature": 21.5, "kitchen_humidity": 40])
        #expect(try decode("house/meter", #"{"value":1234}"#) == ["meter": 1234])
        #expect(try decode("zigbee/garage", #"{"temp":123,"battery":90}"#) == ["garage_temperature_c": 12.3])
        #expect(try decode("house/door", "open") == ["door": .text("open")])
        #expect(try decode("unrelated/topic", "1").isEmpty)
        for payload in ["", "{broken", #"{"linkquality":"x"}"#] {
            #expect(throws: HeliographError.self, "\(payload)") { try decode("house/kitchen", payload) }
        }
        #expect(SensorUnits.describe("kitchen_temperature").unit == .celsius)
        #expect(SensorUnits.describe("outside_humidity").deviceClass == .humidity)
        #expect(SensorUnits.describe("meter_kwh").stateClass == .totalIncreasing)
        #expect(mapping.declaredFields.map(\.unit) == [.celsius])
    }
}
