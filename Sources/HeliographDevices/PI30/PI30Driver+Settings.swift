import HeliographCore
import HeliographPI30
import Logging

extension PI30Driver {
    /// Flags offered as toggles; solar feed-to-grid exists only on PI30MAX and stays off the list.
    static let toggleFlags: [PI30Flag] = PI30Flag.allCases.filter { $0 != .solarFeedToGrid }

    /// The allow-list: priorities, charge currents, re-charge/re-discharge voltages and flag toggles.
    public var settings: [SettingDescriptor] {
        let scale = configuration.nominalBatteryVoltage / 48
        var list = [
            SettingDescriptor(
                id: "output_source_priority",
                name: "Output source priority",
                values: .choice(PI30OutputSourcePriority.allCases.map(\.label)),
                readBack: PI30Fields.outputSourcePriority.id
            ),
            SettingDescriptor(
                id: "charger_source_priority",
                name: "Charger source priority",
                values: .choice(PI30ChargerSourcePriority.allCases.map(\.label)),
                readBack: PI30Fields.chargerSourcePriority.id
            ),
            SettingDescriptor(
                id: "max_charging_current_a",
                name: "Max charging current",
                values: .number(range: configuration.maxChargingCurrentRange, step: 10, unit: .ampere),
                readBack: PI30Fields.maxChargingCurrent.id
            ),
            SettingDescriptor(
                id: "max_utility_charging_current_a",
                name: "Max utility charging current",
                values: .number(range: configuration.maxUtilityChargingCurrentRange, step: 10, unit: .ampere),
                readBack: PI30Fields.maxUtilityChargingCurrent.id
            ),
            SettingDescriptor(
                id: "battery_recharge_voltage_v",
                name: "Battery re-charge voltage (back to utility)",
                values: .number(range: (44 * scale)...(51 * scale), step: 0.1, unit: .volt),
                readBack: PI30Fields.batteryRechargeVoltage.id
            ),
            SettingDescriptor(
                id: "battery_redischarge_voltage_v",
                name: "Battery re-discharge voltage (back to battery)",
                values: .number(range: (48 * scale)...(58 * scale), step: 0.1, unit: .volt),
                readBack: PI30Fields.batteryRedischargeVoltage.id
            ),
        ]
        for flag in Self.toggleFlags {
            let field = PI30Fields.flag(flag)
            list.append(SettingDescriptor(id: field.id.rawValue, name: field.name, values: .toggle, readBack: field.id))
        }
        return list
    }

    /// Checks the change against the allow-list, sends the setter, then reads the value back.
    ///
    /// A value outside the allow-list throws `.settingRejected` without touching the device; a NAK
    /// from the device returns `accepted: false` with the unchanged read-back.
    public func apply(_ change: SettingChange, logger: Logger) async throws -> SettingOutcome {
        guard let descriptor = settings.first(where: { $0.id == change.setting }) else {
            throw HeliographError(.settingRejected, "\(change.setting) is not a PI30 setting", device: device)
        }
        let value: SettingValue
        do {
            value = try descriptor.validate(change.value)
        } catch {
            throw error.on(device)
        }
        let setter = try setter(for: descriptor.id, value: value)
        let command: PI30Command
        do {
            command = try setter.command()
        } catch {
            throw error.on(device)
        }
        logger.info("applying PI30 setting", metadata: ["device.id": "\(device)", "pi30.command": "\(command)"])
        return try await session(logger: logger) { session in
            let answer = try await session.ask(command)
            // Every setting is read again after a write, so the page never shows a value from before it.
            var fields: [FieldID: FieldValue] = [:]
            var round: SettingRound = []
            for query in Self.settingsQueries {
                if let response = try await session.optional(query) { fields.merge(settingsReply(from: response, into: &round)) { $1 } }
            }
            readings.record(round: round)
            readings.requestRound()
            let readBack = SettingReadings.values(of: [descriptor], in: fields)[descriptor.id]
            switch answer {
            case .ack:
                let confirmed = readBack.map { Self.same($0, value) } ?? false
                let message = confirmed ? "\(command) acknowledged; read-back \(readBack!)" : "\(command) acknowledged but read-back shows \(readBack?.description ?? "nothing")"
                return SettingOutcome(accepted: true, readBack: readBack, message: message)
            case .nak:
                return SettingOutcome(accepted: false, readBack: readBack, message: "\(command) rejected by the inverter (NAK)")
            default:
                throw HeliographError(.unexpectedResponse, "\(command) answered neither ACK nor NAK", device: device)
            }
        }
    }

    /// The allow-list changes a setter command makes: what the CommandGate would be asked for the
    /// same write. Nil when the allow-list has no such setting (another parallel unit, a flag not
    /// offered), so callers outside the gate (`heliograph query`) can refuse it the same way.
    public static func changes(for setter: PI30Setter) -> [(setting: String, value: SettingValue)]? {
        switch setter {
        case .outputSourcePriority(let priority):
            return [("output_source_priority", .choice(priority.label))]
        case .chargerSourcePriority(let priority):
            return [("charger_source_priority", .choice(priority.label))]
        case .batteryRechargeVoltage(let volts):
            return [("battery_recharge_voltage_v", .number(volts))]
        case .batteryRedischargeVoltage(let volts):
            return [("battery_redischarge_voltage_v", .number(volts))]
        case .maxChargingCurrent(let amps, let unit):
            return unit == 0 ? [("max_charging_current_a", .number(Double(amps)))] : nil
        case .maxUtilityChargingCurrent(let amps, let unit):
            return unit == 0 ? [("max_utility_charging_current_a", .number(Double(amps)))] : nil
        case .enable(let flags), .disable(let flags):
            guard !flags.isEmpty, flags.allSatisfy(toggleFlags.contains) else { return nil }
            let on = if case .enable = setter { true } else { false }
            return flags.map { (PI30Fields.flag($0).id.rawValue, .toggle(on)) }
        }
    }

    private func setter(for id: String, value: SettingValue) throws -> PI30Setter {
        switch (id, value) {
        case ("output_source_priority", .choice(let label)):
            if let priority = PI30OutputSourcePriority(label: label) { return .outputSourcePriority(priority) }
        case ("charger_source_priority", .choice(let label)):
            if let priority = PI30ChargerSourcePriority(label: label) { return .chargerSourcePriority(priority) }
        case ("max_charging_current_a", .number(let amps)):
            return .maxChargingCurrent(amps: Int(amps.rounded()))
        case ("max_utility_charging_current_a", .number(let amps)):
            return .maxUtilityChargingCurrent(amps: Int(amps.rounded()))
        case ("battery_recharge_voltage_v", .number(let volts)):
            return .batteryRechargeVoltage((volts * 10).rounded() / 10)
        case ("battery_redischarge_voltage_v", .number(let volts)):
            return .batteryRedischargeVoltage((volts * 10).rounded() / 10)
        case (_, .toggle(let on)):
            if let flag = Self.toggleFlags.first(where: { PI30Fields.flag($0).id.rawValue == id }) {
                return on ? .enable([flag]) : .disable([flag])
            }
        default:
            break
        }
        throw HeliographError(.settingRejected, "\(id) cannot take \(value)", device: device)
    }

    private static func same(_ lhs: SettingValue, _ rhs: SettingValue) -> Bool {
        if case .number(let a) = lhs, case .number(let b) = rhs { return abs(a - b) < 0.05 }
        return lhs == rhs
    }
}
