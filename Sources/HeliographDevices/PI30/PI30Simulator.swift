import Foundation
import HeliographCore
import HeliographPI30

/// A simulated 5 kVA / 48 V Voltronic inverter: a pure state model that answers PI30 commands.
///
/// PV follows a daylight curve of the simulated clock, the load carries noise and an evening peak,
/// and the battery's state of charge integrates the energy balance, so successive polls change
/// plausibly. Setters change the state within the ranges a 48 V unit accepts; anything else is NAK.
public struct PI30Simulator: Sendable {
    /// Everything a setter can change, plus the battery's charge.
    public struct State: Sendable, Hashable {
        public var outputSourcePriority: PI30OutputSourcePriority = .sbu
        public var chargerSourcePriority: PI30ChargerSourcePriority = .solar
        public var maxChargingCurrent = 60
        public var maxUtilityChargingCurrent = 30
        public var batteryRechargeVoltage = 46.0
        public var batteryRedischargeVoltage = 54.0
        public var batteryUnderVoltage = 42.0
        public var batteryBulkVoltage = 56.4
        public var batteryFloatVoltage = 54.0
        public var enabledFlags: Set<PI30Flag> = [.buzzer, .lcdEscapeToDefaultPage, .lcdBacklight, .primarySourceInterruptAlarm]
        /// State of charge, 0...100 %.
        public var stateOfCharge = 70.0
        public var gridAvailable = true
        /// True while the load runs from the grid because the battery fell below the re-charge voltage.
        public var onUtilityForLowBattery = false

        public init() {}
    }

    /// The electrical situation at one instant, derived from the state and the clock.
    public struct Readings: Sendable, Hashable {
        public var pvPower: Double
        public var pvVoltage: Double
        public var loadPower: Double
        /// Positive while charging.
        public var batteryPower: Double
        public var batteryVoltage: Double
        public var gridVoltage: Double
        public var fromGrid: Bool
        public var acCharging: Bool
        public var temperature: Double
    }

    public var state: State
    public var serialNumber: String
    public var firmwareVersion: String
    /// Peak PV power at solar noon on a clear day.
    public var peakPVPower: Double
    /// Usable battery energy.
    public var batteryCapacityWh: Double
    /// Hours added to UTC for the daylight curve.
    public var utcOffsetHours: Double

    /// Where PV and load come from instead of the built-in curves (a sine from 06:00 to 18:00, a flat
    /// load with an evening peak): the demo gives its site's sun, weather and household here.
    public struct Environment: Sendable {
        /// PV power at an instant, W.
        public var pvPower: @Sendable (Date) -> Double
        /// The house's load at an instant, W.
        public var loadPower: @Sendable (Date) -> Double

        public init(pvPower: @escaping @Sendable (Date) -> Double, loadPower: @escaping @Sendable (Date) -> Double) {
            self.pvPower = pvPower
            self.loadPower = loadPower
        }
    }

    public var environment: Environment?

    public static let chargingCurrentOptions = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]
    public static let utilityChargingCurrentOptions = [2, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]
    static let ratedApparentPower = 5_000.0

    private var random: SplitMix64
    private var lastUpdate: Date?
    private var readings: Readings?

    public init(
        state: State = State(),
        serialNumber: String = "92932105105335",
        firmwareVersion: String = "00072.70",
        peakPVPower: Double = 4_000,
        batteryCapacityWh: Double = 10_000,
        utcOffsetHours: Double = 0,
        seed: UInt64 = 0x5EED,
        environment: Environment? = nil
    ) {
        self.environment = environment
        self.state = state
        self.serialNumber = serialNumber
        self.firmwareVersion = firmwareVersion
        self.peakPVPower = peakPVPower
        self.batteryCapacityWh = batteryCapacityWh
        self.utcOffsetHours = utcOffsetHours
        self.random = SplitMix64(seed: seed)
    }

    // MARK: Physics

    /// Moves the model to `time`: integrates the battery over the elapsed time and draws new readings.
    public mutating func advance(to time: Date) -> Readings {
        let elapsed = lastUpdate.map { min(max(time.timeIntervalSince($0), 0), 3_600) } ?? 0
        // Queries of one poll (QPIGS, QMOD, ...) see the same instant.
        if let readings, lastUpdate != nil, elapsed < 1 { return readings }
        if let previous = readings, elapsed > 0 {
            let delta = previous.batteryPower * elapsed / 3_600 / batteryCapacityWh * 100
            state.stateOfCharge = min(100, max(0, state.stateOfCharge + delta))
        }
        lastUpdate = time
        let current = readings(at: time)
        readings = current
        return current
    }

    /// Daylight factor 0...1: a sine from 06:00 to 18:00 local time.
    public func daylight(at time: Date) -> Double {
        let seconds = time.timeIntervalSince1970 + utcOffsetHours * 3_600
        let hour = seconds.truncatingRemainder(dividingBy: 86_400) / 3_600
        guard hour > 6, hour < 18 else { return 0 }
        return pow(sin(Double.pi * (hour - 6) / 12), 1.3)
    }

    private mutating func readings(at time: Date) -> Readings {
        let light: Double, pvPower: Double, loadPower: Double
        if let environment {
            pvPower = max(0, environment.pvPower(time)).rounded()
            loadPower = max(0, environment.loadPower(time)).rounded()
            light = min(1, pvPower / max(peakPVPower, 1))
        } else {
            light = daylight(at: time)
            let hour = (time.timeIntervalSince1970 + utcOffsetHours * 3_600).truncatingRemainder(dividingBy: 86_400) / 3_600
            pvPower = light > 0 ? (peakPVPower * light * random.next(in: 0.85...1.0)).rounded() : 0
            let eveningPeak = (18...22).contains(hour) ? 600.0 : 0
            loadPower = (350 + eveningPeak + random.next(in: -60...60)).rounded()
        }
        let voltage = batteryVoltage()

        // Hysteresis between the re-charge and re-discharge voltages, as the inverter does in SBU/solar modes.
        if voltage <= state.batteryRechargeVoltage { state.onUtilityForLowBattery = true }
        let backToBattery = state.batteryRedischargeVoltage == 0 ? state.stateOfCharge >= 100 : voltage >= state.batteryRedischargeVoltage
        if backToBattery { state.onUtilityForLowBattery = false }

        let fromGrid: Bool
        switch state.outputSourcePriority {
        case .utility: fromGrid = state.gridAvailable
        case .solar: fromGrid = state.gridAvailable && (pvPower < loadPower || state.onUtilityForLowBattery)
        case .sbu: fromGrid = state.gridAvailable && state.onUtilityForLowBattery
        }
        let solarChargeLimit = Double(state.maxChargingCurrent) * voltage
        var batteryPower: Double
        if fromGrid {
            // Load from the grid; all PV can charge.
            batteryPower = min(pvPower, solarChargeLimit)
        } else {
            batteryPower = min(pvPower - loadPower, solarChargeLimit)
        }
        var acCharging = false
        let gridMayCharge = state.chargerSourcePriority == .utility || state.chargerSourcePriority == .solarAndUtility
        if fromGrid, gridMayCharge, state.stateOfCharge < 100 {
            let utilityCharge = Double(state.maxUtilityChargingCurrent) * voltage
            let added = max(0, min(utilityCharge, solarChargeLimit - max(batteryPower, 0)))
            if added > 0 {
                batteryPower = max(batteryPower, 0) + added
                acCharging = true
            }
        }
        if state.stateOfCharge >= 100 { batteryPower = min(batteryPower, 0) }
        if state.stateOfCharge <= 0 { batteryPower = max(batteryPower, 0) }
        return Readings(
            pvPower: pvPower,
            pvVoltage: pvPower > 0 ? (300 + 40 * light + random.next(in: -3...3)) : random.next(in: 0...8),
            loadPower: loadPower,
            batteryPower: batteryPower.rounded(),
            batteryVoltage: voltage + batteryPower / 48 * 0.01,
            gridVoltage: state.gridAvailable ? 230 + random.next(in: -4...4) : 0,
            fromGrid: fromGrid,
            acCharging: acCharging,
            temperature: 30 + loadPower / 150 + pvPower / 400
        )
    }

    /// Open-circuit voltage of a 16-cell LFP pack: 48 V empty to 55.2 V full, steeper at the ends.
    private func batteryVoltage() -> Double {
        let soc = state.stateOfCharge / 100
        return 48 + 6 * soc + (soc > 0.95 ? (soc - 0.95) * 24 : 0) - (soc < 0.1 ? (0.1 - soc) * 20 : 0)
    }

    // MARK: Protocol

    /// The reply frame for what the host sent: the payload with CRC, or NAK.
    public mutating func reply(to received: PI30ReceivedCommand, at time: Date) -> [UInt8] {
        guard case .command(let command) = received else { return PI30Frame.responseBytes(payload: "NAK") }
        return PI30Frame.responseBytes(payload: respond(to: command, at: time) ?? "NAK")
    }

    /// The reply payload for `command`, or nil for NAK (unknown command or a value out of range).
    public mutating func respond(to command: PI30Command, at time: Date) -> String? {
        if let setter = PI30Setter(command) { return apply(setter) ? "ACK" : nil }
        switch command.text {
        case "QPI": return "PI30"
        case "QID": return serialNumber
        case "QVFW": return "VERFW:\(firmwareVersion)"
        case "QPIGS": return generalStatus(advance(to: time))
        case "QPIRI": return ratedInformation()
        case "QMOD": return advance(to: time).fromGrid ? "L" : "B"
        case "QPIWS": return warnings()
        case "QFLAG": return PI30FlagStatus(enabled: state.enabledFlags, disabled: Set(PI30Flag.allCases).subtracting(state.enabledFlags).subtracting([.solarFeedToGrid])).payload
        case "QDI": return "230.0 50.0 0030 42.0 54.0 56.4 46.0 60 0 0 2 0 0 0 0 0 1 1 0 0 1 0 54.0 0 1"
        case "QMCHGCR": return Self.chargingCurrentOptions.map { pad($0, 3) }.joined(separator: " ")
        case "QMUCHGCR": return Self.utilityChargingCurrentOptions.map { pad($0, 3) }.joined(separator: " ")
        case "QPGS0": return parallelStatus(advance(to: time))
        default: return nil
        }
    }

    /// Applies a setter; false (NAK) when the value is outside what a 48 V unit accepts.
    public mutating func apply(_ setter: PI30Setter) -> Bool {
        switch setter {
        case .outputSourcePriority(let priority):
            state.outputSourcePriority = priority
        case .chargerSourcePriority(let priority):
            state.chargerSourcePriority = priority
        case .batteryRechargeVoltage(let volts):
            guard (44.0...51.0).contains(volts) else { return false }
            state.batteryRechargeVoltage = volts
        case .batteryRedischargeVoltage(let volts):
            guard volts == 0 || (48.0...58.0).contains(volts) else { return false }
            state.batteryRedischargeVoltage = volts
        case .maxChargingCurrent(let amps, let unit):
            guard unit == 0, Self.chargingCurrentOptions.contains(amps) else { return false }
            state.maxChargingCurrent = amps
        case .maxUtilityChargingCurrent(let amps, let unit):
            guard unit == 0, Self.utilityChargingCurrentOptions.contains(amps) else { return false }
            state.maxUtilityChargingCurrent = amps
        case .enable(let flags):
            guard !flags.contains(.solarFeedToGrid) else { return false }
            state.enabledFlags.formUnion(flags)
        case .disable(let flags):
            guard !flags.contains(.solarFeedToGrid) else { return false }
            state.enabledFlags.subtract(flags)
        }
        return true
    }

    private func generalStatus(_ now: Readings) -> String {
        let voltage = now.batteryVoltage
        let chargeCurrent = now.batteryPower > 0 ? (now.batteryPower / voltage).rounded() : 0
        let dischargeCurrent = now.batteryPower < 0 ? (-now.batteryPower / voltage).rounded() : 0
        let apparent = (now.loadPower / 0.92).rounded()
        let loadPercent = (apparent / Self.ratedApparentPower * 100).rounded()
        let pvCurrent = now.pvPower > 0 ? now.pvPower / now.pvVoltage : 0
        let charging = now.batteryPower > 0
        let solarCharging = charging && now.pvPower > 0 && !(now.acCharging && now.pvPower < 1)
        let status = "000" + "1" + "0" + bit(charging) + bit(solarCharging) + bit(now.acCharging)
        let status2 = bit(state.stateOfCharge >= 99) + "10"
        return [
            fixed(now.gridVoltage, 5, 1), fixed(now.gridVoltage > 0 ? 50 : 0, 4, 1), "230.0", "50.0",
            pad(Int(apparent), 4), pad(Int(now.loadPower), 4), pad(Int(loadPercent), 3), "380",
            fixed(voltage, 5, 2), pad(Int(chargeCurrent), 3), pad(Int(state.stateOfCharge.rounded()), 3),
            pad(Int(now.temperature.rounded()), 4), fixed(pvCurrent, 4, 1), fixed(now.pvVoltage, 5, 1),
            fixed(voltage - 0.05, 5, 2), pad(Int(dischargeCurrent), 5), status, "00", "00",
            pad(Int(now.pvPower), 5), status2,
        ].joined(separator: " ")
    }

    private func ratedInformation() -> String {
        [
            "230.0", "21.7", "230.0", "50.0", "21.7", "5000", "4000", "48.0",
            fixed(state.batteryRechargeVoltage, 4, 1), fixed(state.batteryUnderVoltage, 4, 1),
            fixed(state.batteryBulkVoltage, 4, 1), fixed(state.batteryFloatVoltage, 4, 1), "2",
            pad(state.maxUtilityChargingCurrent, 2), pad(state.maxChargingCurrent, 3), "0",
            String(state.outputSourcePriority.rawValue), String(state.chargerSourcePriority.rawValue), "1", "01", "0", "0",
            fixed(state.batteryRedischargeVoltage, 4, 1), "0", "1",
        ].joined(separator: " ")
    }

    private func warnings() -> String {
        var bits = Array(repeating: Character("0"), count: 32)
        if !state.gridAvailable { bits[5] = "1" }
        if state.stateOfCharge < 15 { bits[12] = "1" }
        return String(bits)
    }

    private func parallelStatus(_ now: Readings) -> String {
        let voltage = now.batteryVoltage
        let chargeCurrent = now.batteryPower > 0 ? Int((now.batteryPower / voltage).rounded()) : 0
        let dischargeCurrent = now.batteryPower < 0 ? Int((-now.batteryPower / voltage).rounded()) : 0
        let apparent = Int((now.loadPower / 0.92).rounded())
        let percent = Int((Double(apparent) / Self.ratedApparentPower * 100).rounded())
        return [
            "1", serialNumber, now.fromGrid ? "L" : "B", "00", fixed(now.gridVoltage, 5, 1), now.gridVoltage > 0 ? "50.00" : "00.00",
            "230.0", "50.00", pad(apparent, 4), pad(Int(now.loadPower), 4), pad(percent, 3), fixed(voltage, 4, 1),
            pad(chargeCurrent, 3), pad(Int(state.stateOfCharge.rounded()), 3), fixed(now.pvVoltage, 5, 1), pad(chargeCurrent, 3),
            pad(apparent, 5), pad(Int(now.loadPower), 5), pad(percent, 3),
            "1" + bit(now.acCharging) + bit(now.pvPower > 0 && now.batteryPower > 0) + "00" + bit(!now.fromGrid && now.gridVoltage == 0) + "10",
            "0", String(state.chargerSourcePriority.rawValue), pad(state.maxChargingCurrent, 3), "120",
            pad(state.maxUtilityChargingCurrent, 2), pad(Int((now.pvPower / max(now.pvVoltage, 1)).rounded()), 2), pad(dischargeCurrent, 3),
        ].joined(separator: " ")
    }
}

private func bit(_ on: Bool) -> String { on ? "1" : "0" }

/// Zero-padded integer of at least `width` digits.
private func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(max(0, value))
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

/// Zero-padded decimal of total `width` characters with `decimals` places (`fixed(5.5, 5, 1)` = `005.5`).
private func fixed(_ value: Double, _ width: Int, _ decimals: Int) -> String {
    String(format: "%0\(width).\(decimals)f", max(0, value))
}

