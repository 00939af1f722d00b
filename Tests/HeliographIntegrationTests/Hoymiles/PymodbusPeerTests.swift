import Foundation
import HeliographCore
import HeliographDevices
import HeliographHoymiles
import HeliographHoymilesTesting
import HeliographModbus
import HeliographTesting
import HeliographTransport
import Logging
import Testing

/// A DTU stand-in served by pymodbus (Tests/HeliographHoymilesTesting/Peers/pymodbus_dtu_server.py), a Modbus TCP implementation
/// we did not write, so our framing and the driver are checked against an independent peer.
final class PymodbusPeer: Sendable {
    static let isInstalled = pythonHas("pymodbus")

    let port: Int
    private let process: ChildProcess

    init() async throws {
        guard Self.isInstalled else {
            throw HeliographError(.deviceUnavailable, "pymodbus is not installed: run scripts/test-deps.d/hoymiles.sh (pip install pymodbus)")
        }
        let script = HoymilesFixture.pymodbusPeerScript
        // Niced: other suites run beside this one with tight timeouts.
        let process = try ChildProcess("nice", ["-n", "19", "python3", script.path, HoymilesFixture.url.path], input: .pipe)
        self.process = process
        // The script prints "READY <port>" once it listens; wait for that line (or its exit).
        let line = try await withTimeout(.seconds(60), "pymodbus peer prints READY") {
            for await line in process.lines { return line }
            return ""
        }
        guard line.hasPrefix("READY "), let port = Int(line.dropFirst(6)) else {
            process.signal(SIGKILL)
            throw HeliographError(.deviceUnavailable, "pymodbus peer did not start: \(line) \(process.stderr)")
        }
        self.port = port
    }

    /// Closes the script's standard input, which stops it, and waits for it.
    func stop() {
        process.closeInput()
        _ = process.waitBlocking(timeout: .seconds(30))
    }
}

@Suite(.enabled(if: PymodbusPeer.isInstalled || isCI, "pymodbus is not installed (pip install pymodbus); skipped outside CI"))
struct PymodbusPeerTests {
    let logger = Logger(label: "test")

    @Test func driverAndClientAgainstPymodbus() async throws {
        let peer = try await PymodbusPeer()
        defer { peer.stop() }
        let fixture = try HoymilesFixture.load()
        // The driver's default settings (one request in flight), as a user would run it; only the
        // request timeout is longer, since the peer runs niced beside other suites.
        let driver = HoymilesDTUDriver(configuration: .init(device: "peer-dtu", host: "127.0.0.1", port: peer.port, retry: RetryPolicy(attemptTimeout: .seconds(10))))
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
            #expect(await driver.client.statistics.timeouts == 0)
        }

        // The generic client against the same peer (one Python process per run keeps the suite light).
        // Its default settings too: the two concurrent reads below wait for each other's answer.
        let client = ModbusTCPClient(transport: TCPTransport(.init(host: "127.0.0.1", port: peer.port)), configuration: .init(requestTimeout: .seconds(10)))
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
