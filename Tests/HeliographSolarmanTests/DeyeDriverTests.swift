import Foundation
import HeliographCore
import HeliographDevices
import HeliographModbus
import HeliographSolarman
import HeliographTesting
import HeliographTransport
import Logging
import NIOCore
import NIOPosix
import Testing

/// Runs a Deye simulator on 127.0.0.1 for the duration of `body`.
func withDeyeSimulator<R: Sendable>(
    _ configuration: DeyeSimulator.Configuration = DeyeSimulator.Configuration(),
    _ body: (DeyeSimulator, Int) async throws -> R
) async throws -> R {
    let simulator = try DeyeSimulator(configuration: configuration)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await simulator.run() }
        let port = await simulator.listeningPort()
        defer { group.cancelAll() }
        return try await body(simulator, port)
    }
}

func deyeDriver(port: Int, serial: UInt32 = 2_612_749_371, model: String = "deye_single_phase_hybrid", timeout: Duration = .seconds(5), attempts: Int = 3) throws -> DeyeDriver {
    try DeyeDriver(
        device: "deye",
        transport: TCPTransport(.init(host: "127.0.0.1", port: port, connectTimeout: .seconds(2))),
        configuration: .init(
            loggerSerial: serial,
            model: model,
            retry: RetryPolicy(attempts: attempts, attemptTimeout: timeout, initialDelay: .milliseconds(10), maximumDelay: .milliseconds(50))
        )
    )
}

let testLogger = Logger(label: "test.deye")

@Suite("Deye driver against the simulator over TCP")
struct DeyeDriverTests {
    @Test("a poll returns consistent live values and the settings read-back")
    func poll() async throws {
        try await withDeyeSimulator { simulator, port in
            let driver = try deyeDriver(port: port)
            let first = try #require(try await driver.poll(logger: testLogger).first)
            #expect(first.device == "deye")
            let soc = try #require(first.number("battery_soc_pct"))
            #expect((0...100).contains(soc))
            let pv = try #require(first.number("pv_power_w"))
            #expect(pv == (first.number("pv1_power_w") ?? -1) + (first.number("pv2_power_w") ?? -1))
            let load = try #require(first.number("load_power_w"))
            let battery = try #require(first.number("battery_power_w"))
            let grid = try #require(first.number("grid_power_w"))
            #expect(abs(grid - (load - pv + battery)) <= 1)
            #expect(first["device_state"] == .text("Normal"))
            #expect(first["work_mode"] == .text("zero_export_to_ct"))
            #expect(first.number("battery_max_charge_current_a") == 100)
            #expect(first.number("tou_slot2_start_hhmm") == 500)
            // 2 live blocks + settings ranges on the first poll.
            let requestsAfterFirst = simulator.requestCount
            #expect(requestsAfterFirst >= 3)
            let second = try #require(try await driver.poll(logger: testLogger).first)
            #expect(simulator.requestCount - requestsAfterFirst == 2)
            #expect(second["work_mode"] == nil)
            #expect(second.number("battery_soc_pct") != nil)
        }
    }

    @Test("every bundled model polls end to end through the simulator", arguments: RegisterMap.bundledNames)
    func everyModel(model: String) async throws {
        var configuration = DeyeSimulator.Configuration()
        configuration.model = model
        try await withDeyeSimulator(configuration) { _, port in
            let sample = try #require(try await deyeDriver(port: port, model: model).poll(logger: testLogger).first)
            #expect(sample.number("pv_power_w") != nil, "\(model)")
            #expect(sample["device_state"] == .text("Normal"), "\(model)")
            if model.contains("hybrid") {
                #expect((0...100).contains(sample.number("battery_soc_pct") ?? -1), "\(model)")
                #expect(sample.number("grid_power_w") != nil, "\(model)")
            }
        }
    }

    @Test("describe reads the inverter serial and lists the map's fields")
    func describe() async throws {
        try await withDeyeSimulator { _, port in
            let descriptor = try await deyeDriver(port: port).describe(logger: testLogger)
            #expect(descriptor.serial == "2306012345")
            #expect(descriptor.kind == "deye-hybrid")
            #expect(descriptor.field("battery_soc_pct")?.unit == .percent)
            #expect(descriptor.field("grid_power_w")?.unit == .watt)
        }
    }

    @Test("values change plausibly between polls")
    func changes() async throws {
        var configuration = DeyeSimulator.Configuration()
        configuration.timeScale = 60
        try await withDeyeSimulator(configuration) { _, port in
            let driver = try deyeDriver(port: port)
            let first = try #require(try await driver.poll(logger: testLogger).first)
            try await eventually(timeout: .seconds(10), "load power changes") {
                let next = try await driver.poll(logger: testLogger).first
                return next?.number("load_power_w") != first.number("load_power_w")
            }
            // Consecutive polls are at most a few simulated minutes apart: the battery moves a few
            // percent at most, well inside the seed's 5 % plausibility limit.
            let before = try #require(try await driver.poll(logger: testLogger).first?.number("battery_soc_pct"))
            let after = try #require(try await driver.poll(logger: testLogger).first?.number("battery_soc_pct"))
            #expect(abs(after - before) <= 5)
        }
    }

    @Test("heartbeats, data pushes, stale answers and AT garbage before each answer are skipped")
    func unsolicitedFrames() async throws {
        try await withDeyeSimulator { simulator, port in
            simulator.updateFaults {
                $0.unsolicitedFrames = true
                $0.garbage = true
            }
            let sample = try #require(try await deyeDriver(port: port, attempts: 1).poll(logger: testLogger).first)
            #expect(sample.number("battery_voltage_v") != nil)
        }
    }

    @Test("a wrong checksum is skipped and the poll retried; a dropped connection is reconnected")
    func corruptedAndDropped() async throws {
        try await withDeyeSimulator { simulator, port in
            let driver = try deyeDriver(port: port)
            simulator.updateFaults { $0.corruptChecksums = 1 }
            #expect(try await driver.poll(logger: testLogger).first?.number("battery_soc_pct") != nil)
            simulator.updateFaults { $0.dropConnections = 1 }
            #expect(try await driver.poll(logger: testLogger).first?.number("battery_soc_pct") != nil)
        }
    }

    @Test("a request lost on the way is asked again inside the same poll")
    func lostRequestRetried() async throws {
        try await withDeyeSimulator { simulator, port in
            // 2 s per request: an answer on a loaded 2-core machine can take more than 1 s.
            let driver = try deyeDriver(port: port, timeout: .seconds(2), attempts: 2)
            simulator.updateFaults { $0.ignoreRequests = 1 }
            let before = simulator.requestCount
            let clock = ContinuousClock()
            let start = clock.now
            // One poll call succeeds. (That the daemon's poll timeout holds the attempts is DeyeDaemonTests';
            // this deadline only turns a hang into a failure on a loaded machine.)
            let samples = try await withTimeout(.seconds(30)) { try await driver.poll(logger: testLogger) }
            #expect(samples.first?.number("battery_soc_pct") != nil)
            // The first attempt waited out its request timeout on the lost request, then asked again.
            #expect(clock.now - start >= .seconds(2))
            #expect(simulator.requestCount - before >= 2)
        }
    }

    @Test("with one attempt the same lost request fails the poll: the retry is what saved it above")
    func lostRequestWithoutRetry() async throws {
        try await withDeyeSimulator { simulator, port in
            let driver = try deyeDriver(port: port, timeout: .milliseconds(400), attempts: 1)
            simulator.updateFaults { $0.ignoreRequests = 1 }
            await #expect {
                try await driver.poll(logger: testLogger)
            } throws: { error in
                (error as? HeliographError)?.code == .timeout
            }
        }
    }

    @Test("the double-CRC quirk does not break decoding")
    func doubleCRC() async throws {
        try await withDeyeSimulator { simulator, port in
            simulator.updateFaults { $0.doubleCRC = true }
            let sample = try await deyeDriver(port: port, attempts: 1).poll(logger: testLogger).first
            #expect(sample?.number("battery_soc_pct") != nil)
        }
    }

    @Test("a logger that stops answering gives a clear timeout, and the next poll recovers without a restart")
    func slowThenRecovered() async throws {
        try await withDeyeSimulator { simulator, port in
            // 2 s per request (an answer on a loaded machine can take more than 1 s); the delay outlasts
            // both attempts.
            let driver = try deyeDriver(port: port, timeout: .seconds(2), attempts: 2)
            #expect(try await driver.poll(logger: testLogger).first?.number("battery_soc_pct") != nil)
            simulator.updateFaults { $0.replyDelay = .seconds(10) }
            await #expect {
                try await driver.poll(logger: testLogger)
            } throws: { error in
                let error = error as! HeliographError
                return error.code == .timeout && error.device == "deye" && error.message.contains("no answer from the logger")
                    && error.message.contains("read holding") && error.message.contains("after 2 attempts")
            }
            simulator.updateFaults { $0.replyDelay = .zero }
            #expect(try await driver.poll(logger: testLogger).first?.number("battery_soc_pct") != nil)
            simulator.updateFaults { $0.silent = true }
            await #expect(throws: HeliographError.self) { try await driver.poll(logger: testLogger) }
            simulator.updateFaults { $0.silent = false }
            #expect(try await driver.poll(logger: testLogger).first?.number("battery_soc_pct") != nil)
        }
    }

    @Test("a wrong logger serial is named as such")
    func wrongSerial() async throws {
        try await withDeyeSimulator { _, port in
            let driver = try deyeDriver(port: port, serial: 1_234_567_890, timeout: .milliseconds(500), attempts: 1)
            await #expect {
                try await driver.poll(logger: testLogger)
            } throws: { error in
                let error = error as! HeliographError
                return error.code == .invalidConfiguration && error.message.contains("wrong logger serial")
                    && error.message.contains("1234567890") && error.message.contains("2612749371")
            }
        }
    }

    @Test("serial 0 learns the logger's serial")
    func learnsSerial() async throws {
        try await withDeyeSimulator { _, port in
            let driver = try deyeDriver(port: port, serial: 0)
            #expect(try await driver.poll(logger: testLogger).first?.number("battery_soc_pct") != nil)
            #expect(try await driver.poll(logger: testLogger).first?.number("battery_soc_pct") != nil)
        }
    }

    @Test("a closed port is a connection failure naming the address")
    func portClosed() async throws {
        let probe = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(probe.localAddress?.port)
        try await probe.close()
        let driver = try deyeDriver(port: port, attempts: 2)
        await #expect {
            try await driver.poll(logger: testLogger)
        } throws: { error in
            let error = error as! HeliographError
            return error.code == .connectionFailed && error.message.contains("127.0.0.1:\(port)")
        }
    }

    @Test("a Modbus exception names the code and the request")
    func modbusException() async throws {
        try await withDeyeSimulator { _, port in
            let map = RegisterMap(
                name: "test", title: "test", manufacturer: "Deye", model: "test", kind: "deye-test",
                fields: [RegisterField(id: "bogus_w", name: "Bogus", type: .u16, registers: [0x9000], unit: .watt)]
            )
            let driver = try DeyeDriver(
                device: "deye",
                transport: TCPTransport(.init(host: "127.0.0.1", port: port)),
                configuration: .init(loggerSerial: 2_612_749_371, retry: RetryPolicy(attempts: 3, attemptTimeout: .seconds(5))),
                map: map
            )
            await #expect {
                try await driver.poll(logger: testLogger)
            } throws: { error in
                let error = error as! HeliographError
                return error.code == .deviceRejected && error.message.contains("illegal data address (0x2)")
                    && error.message.contains("0x9000")
            }
        }
    }

    @Test("a rejected settings read-back range costs only those fields, not the live values")
    func optionalSettingsRange() async throws {
        try await withDeyeSimulator { _, port in
            let map = RegisterMap(
                name: "test", title: "test", manufacturer: "Deye", model: "test", kind: "deye-test",
                fields: [
                    RegisterField(id: "battery_soc_pct", name: "SOC", type: .u16, registers: [0xB8], unit: .percent),
                    RegisterField(id: "bogus_mode", name: "Bogus", type: .u16, registers: [0x9000], slow: true),
                ]
            )
            let driver = try DeyeDriver(
                device: "deye",
                transport: TCPTransport(.init(host: "127.0.0.1", port: port)),
                configuration: .init(loggerSerial: 2_612_749_371, retry: RetryPolicy(attempts: 3, attemptTimeout: .seconds(5))),
                map: map
            )
            let sample = try #require(try await driver.poll(logger: testLogger).first)
            #expect(sample.number("battery_soc_pct") != nil)
            #expect(sample["bogus_mode"] == nil)
        }
    }

    @Test("the logger's short error answer reports the inverter as unavailable")
    func loggerError() async throws {
        try await withDeyeSimulator { simulator, port in
            simulator.updateFaults { $0.loggerErrors = 10 }
            await #expect {
                try await deyeDriver(port: port).poll(logger: testLogger)
            } throws: { error in
                (error as! HeliographError).code == .deviceUnavailable
            }
        }
    }

}

@Suite("Deye driver over plain Modbus TCP")
struct DeyeModbusTCPTests {
    static var simulatorConfiguration: DeyeSimulator.Configuration {
        var configuration = DeyeSimulator.Configuration()
        configuration.wireProtocol = .modbusTCP
        return configuration
    }

    func driver(port: Int, timeout: Duration = .seconds(5), slaveID: UInt8 = 1) throws -> DeyeDriver {
        try DeyeDriver(
            device: "deye",
            host: "127.0.0.1",
            port: port,
            configuration: .init(
                slaveID: slaveID,
                transportKind: .modbusTCP,
                retry: RetryPolicy(attempts: 2, attemptTimeout: timeout, initialDelay: .milliseconds(10))
            )
        )
    }

    @Test("the same register map polls over Modbus TCP")
    func poll() async throws {
        try await withDeyeSimulator(Self.simulatorConfiguration) { simulator, port in
            let sample = try #require(try await self.driver(port: port).poll(logger: testLogger).first)
            #expect((0...100).contains(try #require(sample.number("battery_soc_pct"))))
            #expect(sample["work_mode"] == .text("zero_export_to_ct"))
            #expect(simulator.requestCount >= 3)
        }
    }

    @Test("settings are written and read back over Modbus TCP")
    func settings() async throws {
        try await withDeyeSimulator(Self.simulatorConfiguration) { simulator, port in
            let outcome = try await self.driver(port: port).apply(
                SettingChange(device: "deye", setting: "battery_max_charge_current_a", value: .number(90)),
                logger: testLogger
            )
            #expect(outcome.accepted)
            #expect(outcome.readBack == .number(90))
            #expect(simulator.register(0xD2) == 90)
        }
    }

    @Test("a wrong unit id is a Modbus exception; a silent gateway times out and the next poll recovers")
    func failures() async throws {
        try await withDeyeSimulator(Self.simulatorConfiguration) { simulator, port in
            await #expect {
                try await self.driver(port: port, slaveID: 7).poll(logger: testLogger)
            } throws: { error in
                let error = error as! HeliographError
                return error.code == .deviceRejected && error.message.contains("gateway target failed to respond")
            }
            let gateway = try self.driver(port: port, timeout: .seconds(1))
            simulator.updateFaults { $0.silent = true }
            await #expect {
                try await gateway.poll(logger: testLogger)
            } throws: { error in
                let error = error as! HeliographError
                return error.code == .timeout && error.message.contains("no Modbus TCP answer")
            }
            simulator.updateFaults { $0.silent = false }
            #expect(try await gateway.poll(logger: testLogger).first?.number("battery_soc_pct") != nil)
        }
    }
}

@Suite("Deye settings through the simulator")
struct DeyeSettingsTests {
    @Test("work mode, currents and TOU slots are written and read back")
    func writes() async throws {
        try await withDeyeSimulator { simulator, port in
            let driver = try deyeDriver(port: port)
            #expect(driver.settings.contains { $0.id == "work_mode" && $0.values == .choice(["export_first", "zero_export_to_load", "zero_export_to_ct"]) })
            let cases: [(String, SettingValue, UInt16, UInt16)] = [
                ("work_mode", .choice("export_first"), 0xF4, 0),
                ("battery_max_charge_current_a", .number(120), 0xD2, 120),
                ("battery_max_discharge_current_a", .number(80), 0xD3, 80),
                ("tou_slot2_start_hhmm", .number(2230), 0xFB, 2230),
                ("tou_slot2_soc_pct", .number(80), 0x10D, 80),
                ("tou_slot2_charge_source", .choice("grid"), 0x113, 1),
                ("grid_charge_enabled", .toggle(true), 0xE8, 1),
            ]
            for (setting, value, register, raw) in cases {
                let outcome = try await driver.apply(SettingChange(device: "deye", setting: setting, value: value), logger: testLogger)
                #expect(outcome.accepted, "\(setting): \(outcome.message)")
                #expect(outcome.readBack == value)
                #expect(simulator.register(register) == raw, "\(setting)")
                #expect(driver.currentSettings()[setting]?.value == value, "\(setting) is current right after the write")
            }
            // The whole settings block was read after each write, not only the written register.
            let afterWrites = driver.currentSettings()
            #expect(Set(afterWrites.keys) == Set(driver.settings.map(\.id)))
            let sample = try #require(try await driver.poll(logger: testLogger).first)
            #expect(sample["work_mode"] == .text("export_first"))
        }
    }

    @Test("the time-of-use enable bit keeps the day bits")
    func touBit() async throws {
        try await withDeyeSimulator { simulator, port in
            let driver = try deyeDriver(port: port)
            _ = try await driver.apply(SettingChange(device: "deye", setting: "time_of_use_enabled", value: .toggle(true)), logger: testLogger)
            #expect(simulator.register(0xF8) == 1)
            let outcome = try await driver.apply(SettingChange(device: "deye", setting: "time_of_use_enabled", value: .toggle(false)), logger: testLogger)
            #expect(outcome.readBack == .toggle(false))
            #expect(simulator.register(0xF8) == 0)
        }
    }

    @Test("out-of-range values and unknown settings are rejected before anything is sent")
    func rejected() async throws {
        try await withDeyeSimulator { simulator, port in
            let driver = try deyeDriver(port: port)
            let before = simulator.requestCount
            for change in [
                SettingChange(device: "deye", setting: "battery_max_charge_current_a", value: .number(500)),
                SettingChange(device: "deye", setting: "tou_slot1_start_hhmm", value: .number(2575)),
                SettingChange(device: "deye", setting: "self_destruct", value: .toggle(true)),
            ] {
                await #expect {
                    try await driver.apply(change, logger: testLogger)
                } throws: { ($0 as! HeliographError).code == .settingRejected }
            }
            #expect(simulator.requestCount == before)
        }
    }
}

@Suite("Solarman discovery over loopback UDP")
struct SolarmanScanTests {
    @Test("scan finds the fake logger and parses IP, MAC and serial")
    func scan() async throws {
        let reply = SolarmanDiscovery.Reply(ip: "192.168.1.50", mac: "ACCF23123456", serial: 2_612_749_371)
        let responder = SolarmanDiscoveryResponder(replies: [reply, reply])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await responder.run() }
            let port = await responder.listeningPort()
            defer { group.cancelAll() }
            let found = try await SolarmanScanner.scan(address: "127.0.0.1", port: port, bindHost: "127.0.0.1", timeout: .seconds(1))
            #expect(found == [reply])
        }
    }

    @Test("nobody answering yields an empty list, not an error")
    func nobody() async throws {
        let probe = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(probe.localAddress?.port)
        try await probe.close()
        let found = try await SolarmanScanner.scan(address: "127.0.0.1", port: port, bindHost: "127.0.0.1", timeout: .milliseconds(100))
        #expect(found.isEmpty)
    }
}
