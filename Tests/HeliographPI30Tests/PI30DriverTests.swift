import Foundation
import HeliographCore
import HeliographDevices
import HeliographPI30
import HeliographTransport
import Testing

@Suite("PI30 driver against the simulator on a real pty")
struct PI30DriverTests {
    static func driver(_ path: String, _ configuration: PI30Driver.Configuration = .init(retry: RetryPolicy(attemptTimeout: .seconds(5)))) -> PI30Driver {
        PI30Driver(device: "inverter", transport: SerialTransport(path: path), configuration: configuration)
    }

    @Test("describe reads serial, firmware and rated values")
    func describe() async throws {
        try await withPI30Simulator { _, path in
            let descriptor = try await Self.driver(path).describe(logger: quietLogger)
            #expect(descriptor.kind == "pi30")
            #expect(descriptor.id == "inverter")
            #expect(descriptor.serial == "92932105105335")
            #expect(descriptor.firmware == "00072.70")
            #expect(descriptor.model == "PI30 5000 VA 48 V")
            #expect(descriptor.fields == PI30Fields.all)
        }
    }

    @Test("poll returns one sample with sane values; PV follows the simulated sun")
    func poll() async throws {
        let configuration = PI30SimulatorService.Configuration(clock: { simulatedNoon })
        try await withPI30Simulator(configuration: configuration) { service, path in
            let samples = try await Self.driver(path).poll(logger: quietLogger)
            let sample = try #require(samples.first)
            #expect(samples.count == 1)
            #expect(sample.device == "inverter")
            let battery = try #require(sample.number("battery_voltage_v"))
            #expect((48...58).contains(battery))
            #expect(sample.number("battery_soc_pct") == 70)
            #expect(try #require(sample.number("pv_power_w")) > 2_000)
            #expect(try #require(sample.number("load_power_w")) > 200)
            #expect(sample.number("ac_output_voltage_v") == 230)
            #expect(sample["operating_mode"] == .text("Battery"))
            #expect(sample["fault_active"] == .flag(false))
            #expect(sample["active_warnings"] == .text("none"))
            for (field, value) in sample.values {
                let descriptor = try #require(PI30Fields.all.first { $0.id == field }, "\(field) has no descriptor")
                if let number = value.numeric, let range = descriptor.plausibleRange {
                    #expect(range.contains(number), "\(field) = \(number) outside \(range)")
                }
            }
            // QPIGS, QMOD, QPIWS, and on the first poll the settings: QPIRI, QFLAG.
            #expect(service.statistics.commandsReceived == 5)
        }
    }

    @Test("settings are read on the first poll and then every settings interval, with the time of their reply")
    func settingsInterval() async throws {
        try await withPI30Simulator { service, path in
            let driver = Self.driver(path, .init(retry: RetryPolicy(attemptTimeout: .seconds(5)), settingsInterval: .seconds(3_600)))
            #expect(driver.currentSettings().isEmpty, "nothing is known before the first read")
            let before = Date()
            let first = try #require(try await driver.poll(logger: quietLogger).first)
            #expect(first["output_source_priority"] == .text("sbu"), "the settings go into the sample too")
            let readings = driver.currentSettings()
            #expect(readings["output_source_priority"]?.value == .choice("sbu"))
            #expect(readings["max_charging_current_a"]?.value == .number(60))
            #expect(readings["buzzer_enabled"] != nil, "QFLAG is read with QPIRI")
            let readAt = try #require(readings["output_source_priority"]?.time)
            #expect(readAt >= before && readAt <= Date())
            #expect(Set(readings.keys) == Set(driver.settings.map(\.id)), "every allowed setting has a reading")

            let asked = service.statistics.commandsReceived
            service.updateState { $0.outputSourcePriority = .solar }
            let second = try #require(try await driver.poll(logger: quietLogger).first)
            #expect(service.statistics.commandsReceived - asked == 3, "within the interval only the live queries")
            #expect(second["output_source_priority"] == nil)
            #expect(driver.currentSettings()["output_source_priority"] == readings["output_source_priority"], "the old reading keeps its old time")
        }
    }

    @Test("a settings round is recorded whole: QPIRI's settings never appear while QFLAG's are missing")
    func settingsRoundIsWhole() async throws {
        try await withPI30Simulator { service, path in
            let driver = Self.driver(path, .init(retry: RetryPolicy(attempts: 1, attemptTimeout: .seconds(2)), settingsInterval: .seconds(3_600)))
            service.inject(.dropReply(to: .qflag))
            await #expect(throws: HeliographError.self) { _ = try await driver.poll(logger: quietLogger) }
            #expect(driver.currentSettings().isEmpty, "QPIRI was answered, QFLAG was not: nothing of the round is shown")
            _ = try await driver.poll(logger: quietLogger)
            let readings = driver.currentSettings()
            #expect(readings["output_source_priority"] != nil && readings["buzzer_enabled"] != nil)
        }
    }

    @Test("after a write every setting is read again")
    func settingsReadAfterWrite() async throws {
        try await withPI30Simulator { service, path in
            let driver = Self.driver(path, .init(retry: RetryPolicy(attemptTimeout: .seconds(5)), settingsInterval: nil))
            _ = try await driver.poll(logger: quietLogger)
            #expect(driver.currentSettings().isEmpty, "no settings interval: nothing read by polls")
            service.updateState { $0.maxChargingCurrent = 30 }
            let outcome = try await driver.apply(SettingChange(device: "inverter", setting: "output_source_priority", value: .choice("utility")), logger: quietLogger)
            #expect(outcome.readBack == .choice("utility"))
            let readings = driver.currentSettings()
            #expect(readings["output_source_priority"]?.value == .choice("utility"))
            #expect(readings["max_charging_current_a"]?.value == .number(30), "the whole QPIRI reply is taken, not only the written setting")
            #expect(readings["buzzer_enabled"] != nil)
        }
    }

    @Test("night: no PV, the battery discharges")
    func night() async throws {
        let midnight = simulatedNoon.addingTimeInterval(12 * 3_600)
        try await withPI30Simulator(configuration: .init(clock: { midnight })) { _, path in
            let sample = try #require(try await Self.driver(path).poll(logger: quietLogger).first)
            #expect(sample.number("pv_power_w") == 0)
            #expect(try #require(sample.number("battery_current_a")) < 0)
        }
    }

    @Test("setters round-trip with read-back")
    func setterRoundTrip() async throws {
        try await withPI30Simulator { service, path in
            let driver = Self.driver(path)
            let priority = try await driver.apply(SettingChange(device: "inverter", setting: "output_source_priority", value: .choice("utility")), logger: quietLogger)
            #expect(priority.accepted)
            #expect(priority.readBack == .choice("utility"))
            #expect(service.state.outputSourcePriority == .utility)

            let current = try await driver.apply(SettingChange(device: "inverter", setting: "max_charging_current_a", value: .number(90)), logger: quietLogger)
            #expect(current.accepted)
            #expect(current.readBack == .number(90))

            let voltage = try await driver.apply(SettingChange(device: "inverter", setting: "battery_recharge_voltage_v", value: .number(47.5)), logger: quietLogger)
            #expect(voltage.readBack == .number(47.5))

            let buzzer = try await driver.apply(SettingChange(device: "inverter", setting: "buzzer_enabled", value: .toggle(false)), logger: quietLogger)
            #expect(buzzer.accepted)
            #expect(buzzer.readBack == .toggle(false))
            #expect(!service.state.enabledFlags.contains(.buzzer))
        }
    }

    @Test("a value the device refuses is NAKed and the read-back is unchanged")
    func nak() async throws {
        try await withPI30Simulator { service, path in
            let lenient = Self.driver(path, .init(retry: RetryPolicy(attemptTimeout: .seconds(5)), maxChargingCurrentRange: 10...200))
            let outcome = try await lenient.apply(SettingChange(device: "inverter", setting: "max_charging_current_a", value: .number(150)), logger: quietLogger)
            #expect(!outcome.accepted)
            #expect(outcome.readBack == .number(60))
            #expect(outcome.message.contains("NAK"))
            #expect(service.state.maxChargingCurrent == 60)

            let raw = try await lenient.query("MCHGC095", logger: quietLogger)
            #expect(raw.response == .nak)
        }
    }

    @Test("values outside the allow-list are rejected before anything is sent")
    func allowList() async throws {
        try await withPI30Simulator { service, path in
            let driver = Self.driver(path)
            for change in [
                SettingChange(device: "inverter", setting: "max_charging_current_a", value: .number(130)),
                SettingChange(device: "inverter", setting: "battery_redischarge_voltage_v", value: .number(60)),
                SettingChange(device: "inverter", setting: "output_source_priority", value: .choice("grid")),
                SettingChange(device: "inverter", setting: "factory_reset", value: .toggle(true)),
            ] {
                await #expect(throws: HeliographError.self, "\(change.setting)") {
                    _ = try await driver.apply(change, logger: quietLogger)
                }
            }
            #expect(service.statistics.commandsReceived == 0)
            #expect(driver.settings.map(\.id).contains("charger_source_priority"))
        }
    }

    @Test("query returns the typed reply and raw payload, encodable to JSON")
    func query() async throws {
        try await withPI30Simulator { _, path in
            let result = try await Self.driver(path).query(.qpiri, logger: quietLogger)
            guard case .ratedInformation(let rated) = result.response else {
                Issue.record("QPIRI not typed: \(result.response)")
                return
            }
            #expect(rated.batteryRatingVoltage == 48)
            #expect(result.payload.hasPrefix("230.0 21.7"))
            let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as? [String: Any]
            #expect(json?["command"] as? String == "QPIRI")
            #expect((json?["response"] as? [String: Any])?["battery_rating_voltage"] as? Double == 48)
            #expect((json?["frame_hex"] as? String)?.hasPrefix("28") == true)
        }
    }

    @Test("a silent device times out with a clear error, then recovers")
    func timeout() async throws {
        try await withPI30Simulator { service, path in
            let driver = Self.driver(path, .init(retry: RetryPolicy(attemptTimeout: .milliseconds(300))))
            service.setSilent(true)
            await #expect {
                _ = try await driver.poll(logger: quietLogger)
            } throws: { error in
                let error = error as? HeliographError
                return error?.code == .timeout && error?.device == "inverter" && error?.message.contains("QPIGS") == true
            }
            service.setSilent(false)
            // A generous timeout for the recovery: the suite may run on a loaded machine.
            let count = try await Self.driver(path).poll(logger: quietLogger).count
            #expect(count == 1)
        }
    }

    @Test("a CRC failure is reported with the frame bytes; the next poll succeeds")
    func crcFailure() async throws {
        try await withPI30Simulator { service, path in
            let driver = Self.driver(path)
            service.inject(.corruptNextCRC)
            await #expect {
                _ = try await driver.poll(logger: quietLogger)
            } throws: { error in
                let error = error as? HeliographError
                return error?.code == .checksumMismatch && error?.bytes?.first == 0x28 && error?.device == "inverter"
            }
            let count = try await driver.poll(logger: quietLogger).count
            #expect(count == 1)
        }
    }

    @Test("a truncated reply times out and does not poison the next poll")
    func truncated() async throws {
        try await withPI30Simulator { service, path in
            let driver = Self.driver(path, .init(retry: RetryPolicy(attemptTimeout: .milliseconds(300))))
            service.inject(.truncateNextReply)
            await #expect(throws: HeliographError.self) { _ = try await driver.poll(logger: quietLogger) }
            let sample = try #require(try await Self.driver(path).poll(logger: quietLogger).first)
            #expect(sample.number("battery_voltage_v") != nil)
        }
    }

    @Test("a missing device path is deviceUnavailable, not a crash")
    func missingDevice() async throws {
        let driver = Self.driver("/dev/heliograph-no-such-tty")
        await #expect {
            _ = try await driver.poll(logger: quietLogger)
        } throws: { error in
            let error = error as? HeliographError
            return error?.code == .deviceUnavailable && error?.message.contains("/dev/heliograph-no-such-tty") == true
        }
        let hid = PI30Driver(device: "inverter", transport: HIDTransport(path: "/dev/heliograph-no-such-hidraw"))
        await #expect(throws: HeliographError.self) { _ = try await hid.describe(logger: quietLogger) }
    }

    @Test("a device that vanishes (simulator stopped, symlink removed) is deviceUnavailable")
    func vanishedDevice() async throws {
        let link = FileManager.default.temporaryDirectory.appendingPathComponent("heliograph-pi30-\(UUID().uuidString)").path
        let driver = Self.driver(link)
        try await withPI30Simulator(configuration: .init(symlinkPath: link)) { _, _ in
            let count = try await driver.poll(logger: quietLogger).count
            #expect(count == 1)
        }
        #expect(!FileManager.default.fileExists(atPath: link))
        await #expect {
            _ = try await driver.poll(logger: quietLogger)
        } throws: { error in
            (error as? HeliographError)?.code == .deviceUnavailable
        }
    }

    @Test("HID framing: 8-byte padded reports both ways over the pty")
    func hidChunking() async throws {
        try await withPI30Simulator(configuration: .init(hidChunking: true)) { service, path in
            let driver = PI30Driver(
                device: "inverter",
                transport: HIDTransport(path: path),
                configuration: .init(retry: RetryPolicy(attemptTimeout: .seconds(5)), framing: .hid)
            )
            let sample = try #require(try await driver.poll(logger: quietLogger).first)
            #expect(sample.number("battery_soc_pct") == 70)
            let applied = try await driver.apply(SettingChange(device: "inverter", setting: "max_charging_current_a", value: .number(90)), logger: quietLogger)
            #expect(applied.readBack == .number(90))
            let statistics = service.statistics
            // QPIGS 8 + QMOD 7 + QPIWS 8 + the first poll's settings QPIRI 8 + QFLAG 8, then MCHGC090 11 and the
            // settings read after it (QPIRI, QFLAG), each padded to whole reports.
            #expect(statistics.bytesReceived == 8 + 8 + 8 + 8 + 8 + 16 + 8 + 8)
            #expect(statistics.invalidCommands == 0)
        }
    }

    @Test("serial framing sends frames unpadded")
    func serialFraming() async throws {
        try await withPI30Simulator { service, path in
            _ = try await Self.driver(path).poll(logger: quietLogger)
            // QPIGS, QMOD, QPIWS and the first poll's settings QPIRI, QFLAG: 5 + 4 + 5 + 5 + 5 characters, plus CRC and CR.
            #expect(service.statistics.bytesReceived == 8 + 7 + 8 + 8 + 8)
        }
    }
}
