import Foundation
import HeliographCore

/// Turns one Powervault P3 message (`pv/PV3/<device>/<suffix>` and its JSON payload) into the
/// field values it carries, in our units and signs. Pure: no I/O, no state.
///
/// The P3's payloads are community-documented and vary between units (see
/// shared/protocols/05_powervault_p3_mqtt.md), so the decoder is defensive: every topic accepts a
/// single object or a one-element array, list entries are matched by their keys (never by
/// position), unknown keys and topics are ignored, and a payload that is not what its topic
/// carries throws `malformedFrame` with the offending text.
public struct PowervaultDecoder: Sendable {
    /// Which CT channel of `ffr/measurements` measures what. Installations differ; the default
    /// follows the later community findings (LOCAL = house, HOUSE = grid).
    public struct ChannelRoles: Sendable, Hashable {
        public var grid: String
        public var house: String
        public var auxiliary: String

        public init(grid: String = "HOUSE", house: String = "LOCAL", auxiliary: String = "AUX1") {
            self.grid = grid
            self.house = house
            self.auxiliary = auxiliary
        }
    }

    /// The topic suffixes this decoder reads.
    public static let topics = [
        "bms/soc", "inverter/measurements", "inverter/alarms", "inverter/charge", "pylontech/info", "ffr/measurements",
        "schedule/event", "m4/maxpower", "eps/status",
    ]

    public var roles: ChannelRoles

    public init(roles: ChannelRoles = ChannelRoles()) {
        self.roles = roles
    }

    /// The values in one message. Empty for topics we do not read and for per-module SOC
    /// messages (which are not the pack's SOC).
    public func decode(suffix: String, payload: [UInt8]) throws(HeliographError) -> [FieldID: FieldValue] {
        guard Self.topics.contains(suffix) else { return [:] }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(payload), options: [.fragmentsAllowed])
        } catch {
            throw malformed(suffix, payload, "not JSON")
        }
        let entries = Self.objects(json)
        guard !entries.isEmpty else { throw malformed(suffix, payload, "expected a JSON object or a list of objects") }
        var values: [FieldID: FieldValue] = [:]
        switch suffix {
        case "bms/soc": decodeSOC(entries, into: &values)
        case "inverter/measurements": decodeInverterMeasurements(entries, into: &values)
        case "inverter/alarms": decodeAlarms(entries[0], into: &values)
        case "inverter/charge":
            // + = discharging on the wire; ours is + = charging.
            if let power = Self.number(entries[0]["power"]) { values[PowervaultFields.batteryPower.id] = .number(-power) }
        case "pylontech/info": decodePylontech(entries, into: &values)
        case "ffr/measurements": decodeCurrentTransformers(entries, into: &values)
        case "schedule/event":
            if let event = Self.number(entries[0]["event"]) {
                // Int(_:) traps on values like 1e300; any event that is not a small whole number is unknown.
                let code = Int(exactly: event)
                values[PowervaultFields.scheduleEvent.id] = .text(code.flatMap { PowervaultFields.scheduleEvents[$0] } ?? "event_\(code.map(String.init) ?? "\(event)")")
            }
            if let setpoint = Self.number(entries[0]["setpoint"]) { values[PowervaultFields.scheduleSetpoint.id] = .number(setpoint) }
        case "m4/maxpower":
            if let charge = Self.number(entries[0]["ChgPower"]) { values[PowervaultFields.maximumChargePower.id] = .number(abs(charge)) }
            if let discharge = Self.number(entries[0]["DchgPower"]) { values[PowervaultFields.maximumDischargePower.id] = .number(abs(discharge)) }
        case "eps/status":
            if let reserve = Self.number(entries[0]["Reserve"]) { values[PowervaultFields.epsReserve.id] = .number(reserve) }
            if let mode = Self.number(entries[0]["Mode"]) { values[PowervaultFields.epsMode.id] = .number(mode) }
        default:
            break
        }
        // A message of a known topic with none of the keys we read is a shape we do not know.
        if values.isEmpty && !(suffix == "bms/soc" && entries.contains { $0["module_addr"] != nil }) {
            throw malformed(suffix, payload, "none of the expected keys")
        }
        return values
    }

    private func decodeSOC(_ entries: [[String: Any]], into values: inout [FieldID: FieldValue]) {
        for entry in entries {
            if entry["module_addr"] != nil { continue }  // one module's SOC, not the pack's
            let centiPercent =
                entry["measurement"] as? String == "StateOfCharge" ? Self.number(entry["value"]) : Self.number(entry["usable_soc"])
            if let centiPercent { values[PowervaultFields.batterySOC.id] = .number(centiPercent / 100) }
        }
    }

    private func decodeInverterMeasurements(_ entries: [[String: Any]], into values: inout [FieldID: FieldValue]) {
        for entry in entries {
            guard let channel = entry["channel"] as? String, let measurement = entry["measurement"] as? String,
                let value = Self.number(entry["value"])
            else { continue }
            let kind = entry["type"] as? String
            switch (channel, measurement, kind) {
            case ("BATTERY", "Voltage", _): values[PowervaultFields.batteryVoltage.id] = .number(value / 1_000)
            case ("BATTERY", "Capacity", _): values[PowervaultFields.batteryCapacity.id] = .number(value)
            case ("GRID", "Voltage", _): values[PowervaultFields.gridVoltage.id] = .number(value / 1_000)
            case ("GRID", "Frequency", _): values[PowervaultFields.gridFrequency.id] = .number(value / 1_000)
            case ("GRID", "Power", "Active"), ("GRID", "Power", nil): values[PowervaultFields.inverterGridPower.id] = .number(value / 1_000)
            case ("OUTPUT", "Power", "Active"), ("OUTPUT", "Power", nil): values[PowervaultFields.inverterOutputPower.id] = .number(value / 1_000)
            case ("OUTPUT", "Power", "Apparent"): values[PowervaultFields.inverterOutputApparentPower.id] = .number(value / 1_000)
            case ("OUTPUT", "Voltage", _): values[PowervaultFields.outputVoltage.id] = .number(value / 1_000)
            case ("OUTPUT", "Frequency", _): values[PowervaultFields.outputFrequency.id] = .number(value / 1_000)
            default: continue  // BATTERY ChargeCurrent is unreliable; pylontech/info has the real current
            }
        }
    }

    private func decodeAlarms(_ object: [String: Any], into values: inout [FieldID: FieldValue]) {
        var any = false
        var seen = false
        for key in PowervaultFields.alarmKeys {
            guard let raw = object[key] else { continue }
            let on = (raw as? String) == "1" || Self.number(raw) == 1
            values[PowervaultFields.alarm(key).id] = .flag(on)
            any = any || on
            seen = true
        }
        if seen { values[PowervaultFields.alarmActive.id] = .flag(any) }
        if let celsius = Self.number(object["inverter_temperature"]) { values[PowervaultFields.inverterTemperature.id] = .number(celsius) }
        if let celsius = Self.number(object["boost_temperature"]) { values[PowervaultFields.boostTemperature.id] = .number(celsius) }
        if let celsius = Self.number(object["inner_temperature"]) { values[PowervaultFields.innerTemperature.id] = .number(celsius) }
    }

    private func decodePylontech(_ entries: [[String: Any]], into values: inout [FieldID: FieldValue]) {
        for entry in entries {
            guard let measurement = entry["measurement"] as? String, let value = Self.number(entry["value"]) else { continue }
            let field: FieldDescriptor?
            var scaled = value
            switch (measurement, entry["type"] as? String) {
            case ("StateOfHealth", "Min"): field = PowervaultFields.batteryHealthMinimum
            case ("StateOfHealth", _): field = PowervaultFields.batteryHealth
            case ("CycleNumber", "Avg"): field = PowervaultFields.batteryCyclesAverage
            case ("CycleNumber", _): field = PowervaultFields.batteryCycles
            case ("CellVoltage", "Max"): (field, scaled) = (PowervaultFields.cellVoltageMaximum, value / 1_000)
            case ("CellVoltage", "Min"): (field, scaled) = (PowervaultFields.cellVoltageMinimum, value / 1_000)
            case ("CellTemperature", "Max"): (field, scaled) = (PowervaultFields.cellTemperatureMaximum, value / 1_000)
            case ("CellTemperature", "Min"): (field, scaled) = (PowervaultFields.cellTemperatureMinimum, value / 1_000)
            case ("CellTemperature", _): (field, scaled) = (PowervaultFields.cellTemperature, value / 1_000)
            case ("BMSTemperature", "Max"): (field, scaled) = (PowervaultFields.bmsTemperatureMaximum, value / 1_000)
            case ("BMSTemperature", _): (field, scaled) = (PowervaultFields.bmsTemperature, value / 1_000)
            case ("ModuleVoltage", _): (field, scaled) = (PowervaultFields.moduleVoltage, value / 1_000)
            // mA, negative while discharging: the same sign as ours.
            case ("Current", _): (field, scaled) = (PowervaultFields.batteryCurrent, value / 1_000)
            case ("ChargeVoltageLimit", _): (field, scaled) = (PowervaultFields.chargeVoltageLimit, value / 1_000)
            case ("DischargeVoltageLimit", _): (field, scaled) = (PowervaultFields.dischargeVoltageLimit, value / 1_000)
            case ("ChargeCurrentLimit", _): (field, scaled) = (PowervaultFields.chargeCurrentLimit, abs(value) / 1_000)
            case ("DischargeCurrentLimit", _): (field, scaled) = (PowervaultFields.dischargeCurrentLimit, abs(value) / 1_000)
            default: field = nil
            }
            if let field { values[field.id] = .number(scaled) }
        }
    }

    private func decodeCurrentTransformers(_ entries: [[String: Any]], into values: inout [FieldID: FieldValue]) {
        for entry in entries {
            guard let channel = entry["channel"] as? String, let value = Self.number(entry["value"]) else { continue }
            if let measurement = entry["measurement"] as? String, measurement != "Power" { continue }
            if let kind = entry["type"] as? String, kind != "Active" { continue }
            let watts = value / 1_000
            switch channel {
            case roles.grid: values[PowervaultFields.gridPower.id] = .number(watts)
            case roles.house: values[PowervaultFields.loadPower.id] = .number(abs(watts))
            case roles.auxiliary: values[PowervaultFields.auxPower.id] = .number(watts)
            default: continue
            }
        }
    }

    /// A payload's objects: the object itself, or the objects of a list.
    static func objects(_ json: Any) -> [[String: Any]] {
        if let object = json as? [String: Any] { return [object] }
        if let list = json as? [Any] { return list.compactMap { $0 as? [String: Any] } }
        return []
    }

    /// A JSON number, or a string holding one ("42.5").
    static func number(_ value: Any?) -> Double? {
        switch value {
        case let text as String: return Double(text.trimmingCharacters(in: .whitespaces)).flatMap { $0.isFinite ? $0 : nil }
        case let number as NSNumber: return number.doubleValue.isFinite ? number.doubleValue : nil
        default: return nil
        }
    }

    private func malformed(_ suffix: String, _ payload: [UInt8], _ reason: String) -> HeliographError {
        let text = String(decoding: payload.prefix(200), as: UTF8.self)
        return HeliographError(.malformedFrame, "P3 \(suffix): \(reason): \(text)")
    }
}
