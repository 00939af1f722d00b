import HeliographCore

/// QPIGS: the live readings (17 fields on 2014 units, 21 on most, 24 on PI30MAX).
public struct PI30GeneralStatus: Sendable, Hashable, Codable {
    public var gridVoltage: Double
    public var gridFrequency: Double
    public var acOutputVoltage: Double
    public var acOutputFrequency: Double
    public var acOutputApparentPower: Double
    /// Load power in W.
    public var acOutputActivePower: Double
    /// The larger of W% and VA%.
    public var outputLoadPercent: Double
    public var busVoltage: Double
    public var batteryVoltage: Double
    public var batteryChargingCurrent: Double
    /// State of charge estimate in %.
    public var batteryCapacity: Double
    /// °C on most units; a raw NTC value on some small ones.
    public var heatSinkTemperature: Double
    public var pv1InputCurrent: Double
    public var pv1InputVoltage: Double
    public var batteryVoltageFromSCC: Double
    public var batteryDischargeCurrent: Double
    public var deviceStatus: PI30DeviceStatus
    /// In units of 10 mV.
    public var batteryVoltageOffsetForFans: Double?
    public var eepromVersion: String?
    /// The only direct PV power figure; older units lack it.
    public var pv1ChargingPower: Double?
    public var deviceStatus2: PI30DeviceStatus2?
    public var solarFeedToGridStatus: String?
    public var countryRegulation: String?
    public var solarFeedToGridPower: Double?

    enum CodingKeys: String, CodingKey {
        case gridVoltage = "grid_voltage", gridFrequency = "grid_frequency", acOutputVoltage = "ac_output_voltage"
        case acOutputFrequency = "ac_output_frequency", acOutputApparentPower = "ac_output_apparent_power"
        case acOutputActivePower = "ac_output_active_power", outputLoadPercent = "output_load_percent"
        case busVoltage = "bus_voltage", batteryVoltage = "battery_voltage", batteryChargingCurrent = "battery_charging_current"
        case batteryCapacity = "battery_capacity", heatSinkTemperature = "heat_sink_temperature"
        case pv1InputCurrent = "pv1_input_current", pv1InputVoltage = "pv1_input_voltage"
        case batteryVoltageFromSCC = "battery_voltage_from_scc", batteryDischargeCurrent = "battery_discharge_current"
        case deviceStatus = "device_status", batteryVoltageOffsetForFans = "battery_voltage_offset_for_fans"
        case eepromVersion = "eeprom_version", pv1ChargingPower = "pv1_charging_power", deviceStatus2 = "device_status_2"
        case solarFeedToGridStatus = "solar_feed_to_grid_status", countryRegulation = "country_regulation"
        case solarFeedToGridPower = "solar_feed_to_grid_power"
    }

    /// Parses a QPIGS payload.
    public init(payload: String, frame: [UInt8] = []) throws(HeliographError) {
        let fields = try PI30FieldReader("QPIGS", payload, frame: frame, minimumCount: 17)
        gridVoltage = try fields.number(0)
        gridFrequency = try fields.number(1)
        acOutputVoltage = try fields.number(2)
        acOutputFrequency = try fields.number(3)
        acOutputApparentPower = try fields.number(4)
        acOutputActivePower = try fields.number(5)
        outputLoadPercent = try fields.number(6)
        busVoltage = try fields.number(7)
        batteryVoltage = try fields.number(8)
        batteryChargingCurrent = try fields.number(9)
        batteryCapacity = try fields.number(10)
        heatSinkTemperature = try fields.number(11)
        pv1InputCurrent = try fields.number(12)
        pv1InputVoltage = try fields.number(13)
        batteryVoltageFromSCC = try fields.number(14)
        batteryDischargeCurrent = try fields.number(15)
        deviceStatus = try PI30DeviceStatus(bits: fields.bits(16, count: 8), raw: fields.text(16))
        batteryVoltageOffsetForFans = try fields.optionalNumber(17)
        eepromVersion = fields.optionalText(18)
        pv1ChargingPower = try fields.optionalNumber(19)
        deviceStatus2 = try fields.count > 20 ? PI30DeviceStatus2(bits: fields.bits(20, count: 3), raw: fields.text(20)) : nil
        solarFeedToGridStatus = fields.optionalText(21)
        countryRegulation = fields.optionalText(22)
        solarFeedToGridPower = try fields.optionalNumber(23)
    }

    /// Net battery current: positive while charging, negative while discharging.
    public var batteryCurrent: Double { batteryChargingCurrent - batteryDischargeCurrent }

    /// PV1 power: the reported charging power where the unit sends it, otherwise V × A.
    public var pv1Power: Double { pv1ChargingPower ?? (pv1InputVoltage * pv1InputCurrent).rounded() }
}

/// QPIGS device status bits b7...b0 (the first character is b7).
public struct PI30DeviceStatus: Sendable, Hashable, Codable {
    public var raw: String
    public var sbuPriorityVersionAdded: Bool
    public var configurationChanged: Bool
    public var sccFirmwareUpdated: Bool
    public var loadOn: Bool
    public var batteryVoltageSteadyWhileCharging: Bool
    public var chargingOn: Bool
    public var sccChargingOn: Bool
    public var acChargingOn: Bool

    enum CodingKeys: String, CodingKey {
        case raw, sbuPriorityVersionAdded = "sbu_priority_version_added", configurationChanged = "configuration_changed"
        case sccFirmwareUpdated = "scc_firmware_updated", loadOn = "load_on"
        case batteryVoltageSteadyWhileCharging = "battery_voltage_steady_while_charging", chargingOn = "charging_on"
        case sccChargingOn = "scc_charging_on", acChargingOn = "ac_charging_on"
    }

    init(bits: [Bool], raw: String) {
        self.raw = raw
        sbuPriorityVersionAdded = bits[0]
        configurationChanged = bits[1]
        sccFirmwareUpdated = bits[2]
        loadOn = bits[3]
        batteryVoltageSteadyWhileCharging = bits[4]
        chargingOn = bits[5]
        sccChargingOn = bits[6]
        acChargingOn = bits[7]
    }
}

/// QPIGS device status 2 bits b10 b9 b8.
public struct PI30DeviceStatus2: Sendable, Hashable, Codable {
    public var raw: String
    public var chargingToFloat: Bool
    public var switchedOn: Bool
    public var dustproofInstalled: Bool

    enum CodingKeys: String, CodingKey {
        case raw, chargingToFloat = "charging_to_float", switchedOn = "switched_on", dustproofInstalled = "dustproof_installed"
    }

    init(bits: [Bool], raw: String) {
        self.raw = raw
        chargingToFloat = bits[0]
        switchedOn = bits[1]
        dustproofInstalled = bits[2]
    }
}

/// QPIGS2: PV2 readings (PI30MAX 48 V models).
public struct PI30PV2Status: Sendable, Hashable, Codable {
    public var pv2InputCurrent: Double
    public var pv2InputVoltage: Double
    public var pv2ChargingPower: Double

    enum CodingKeys: String, CodingKey {
        case pv2InputCurrent = "pv2_input_current", pv2InputVoltage = "pv2_input_voltage", pv2ChargingPower = "pv2_charging_power"
    }

    public init(payload: String, frame: [UInt8] = []) throws(HeliographError) {
        let fields = try PI30FieldReader("QPIGS2", payload, frame: frame, minimumCount: 3)
        pv2InputCurrent = try fields.number(0)
        pv2InputVoltage = try fields.number(1)
        pv2ChargingPower = try fields.number(2)
    }
}
