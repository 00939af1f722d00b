import Foundation
import HeliographCore
import HeliographDrivers
import HeliographHoymiles
import HeliographModbus
import HeliographTransport
import Logging
import Testing

/// A DTU stand-in served by pymodbus (Peers/pymodbus_dtu_server.py), a Modbus TCP implementation
/// we did not write, so our framing and the driver are checked against an independent peer.
final class PymodbusPeer: Sendable {
    static let isInstalled: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // find_spec does not import pymodbus: cheap, so the check does not load the machine.
        process.arguments = ["python3", "-c", "import importlib.util, sys; sys.exit(importlib.util.find_spec('pymodbus') is None)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    let port: Int
    private let process: Process
    private let input: Pipe

    init() async throws {
        guard Self.isInstalled else {
            throw HeliographError(.deviceUnavailable, "pymodbus is not installed: run scripts/test-deps.d/hoymiles.sh (pip install pymodbus)")
        }
        let script = Bundle.module.url(forResource: "Peers/pymodbus_dtu_server", withExtension: "py")!
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // Niced: other suites run beside this one with tight timeouts.
        process.arguments = ["nice", "-n", "19", "python3", script.path, HoymilesFixture.url.path]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        self.process = process
        self.input = input
        // The script prints "READY <port>" once it listens; wait for that line (or its exit).
        let line = await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            Thread.detachNewThread {
                var bytes: [UInt8] = []
                while true {
                    let chunk = output.fileHandleForReading.readData(ofLength: 1)
                    guard let byte = chunk.first, byte != UInt8(ascii: "\n") else { break }
                    bytes.append(byte)
                }
                continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
            }
        }
        guard line.hasPrefix("READY "), let port = Int(line.dropFirst(6)) else {
            process.terminate()
            throw HeliographError(.deviceUnavailable, "pymodbus peer did not start: \(line)")
        }
        self.port = port
    }

    /// Closes the script's standard input, which stops it, and waits for it.
    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

@Suite(.enabled(if: PymodbusPeer.isInstalled || PymodbusPeer.isCI, "pymodbus is not installed (pip install pymodbus); skipped outside CI"))
struct PymodbusPeerTests {
    let logger = Logger(label: "test")

    @Test func driverAndClientAgainstPymodbus() async throws {
        let peer = try await PymodbusPeer()
        defer { peer.stop() }
        let fixture = try HoymilesFixture.load()
        // pymodbus 3.16 drops the second of two requests arriving in one TCP segment, so one at a time.
        let driver = HoymilesDTUDriver(configuration: .init(device: "peer-dtu", host: "127.0.0.1", port: peer.port, requestTimeout: .seconds(10), maximumInFlight: 1))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await driver.run() }
            defer { group.cancelAll() }
            #expect(try await driver.describe(logger: logger).serial == fixture.dtu_serial.test_vector.expected)
            let samples = try await driver.poll(logger: logger)
            #expect(samples.count == fixture.test_vectors.count + 1)
            for vector in fixture.test_vectors {
                let expected = vector.expected_decoded
                let device = HoymilesFields.inverterDevice(dtu: "peer-dtu", serial: HoymilesSerialNumber(expected.serial_number)!)
                let sample = try #require(samples.first { $0.device == device })
                #expect(sample.number("pv1_voltage_v") == expected.pv_voltage_V)
                #expect(abs((sample.number("pv1_current_a") ?? -1) - expected.pv_current_A) < 1e-9)
                #expect(abs((sample.number("pv1_power_w") ?? -1) - expected.pv_power_W) < 1e-9)
                #expect(sample.number("pv1_energy_today_kwh") == Double(expected.today_production_Wh) / 1_000)
                #expect(sample.number("pv1_energy_total_kwh") == Double(expected.total_production_Wh) / 1_000)
                #expect(abs((sample.number("grid_voltage_v") ?? -1) - expected.grid_voltage_V) < 1e-9)
                #expect(abs((sample.number("inverter_temperature_c") ?? -1) - expected.temperature_C) < 1e-9)
                #expect(sample.number("operating_status") == Double(expected.operating_status))
            }
            #expect(driver.statistics.snapshot.errors == 0)
        }

        // The generic client against the same peer (one Python process per run keeps the suite light).
        // pymodbus 3.16 drops the second of two requests arriving in one TCP segment, so one at a time.
        let client = ModbusTCPClient(transport: TCPTransport(.init(host: "127.0.0.1", port: peer.port)), configuration: .init(requestTimeout: .seconds(10), maximumInFlight: 1))
        try await client.withRunning { client in
            try await client.write(unit: 1, request: .writeSingleRegister(address: 0x3000, value: 0xBEEF))
            try await client.write(unit: 1, request: .writeMultipleRegisters(address: 0x3001, values: [1, 2, 3]))
            async let first = client.read(unit: 1, request: .readHoldingRegisters(address: 0x3000, count: 4))
            async let serial = client.read(unit: 1, request: .readHoldingRegisters(address: 0x2000, count: 3))
            #expect(try await first == [0xBEEF, 1, 2, 3])
            #expect(try await serial == [0x11D3, 0x6160, 0x0831])
            let error = await #expect(throws: HeliographError.self) {
                try await client.read(unit: 1, request: .readInputRegisters(address: 0x1000, count: 1))
            }
            #expect(error?.code == .deviceRejected)
        }
    }
}
