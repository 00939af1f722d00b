import Foundation
import HeliographCore
import HeliographDevices
import HeliographHoymiles
import HeliographHoymilesTesting
import HeliographTesting
import Logging
import Testing

/// hoymiles_modbus (a DTU client we did not write, default settings) reads our DTU simulator, and
/// agrees with our driver port for port. The simulator's clock stands still, so both see one state.
@Suite(.enabled(if: IndependentPeers.isInstalled || isCI, "hoymiles_modbus is not installed (scripts/test-deps.d/peers.sh); skipped outside CI"))
struct HoymilesModbusPeerTests {
    @Test func hoymilesModbusAgreesWithTheDriverOnTheSimulator() async throws {
        let noon = Date(timeIntervalSince1970: 1_780_000_000 - 1_780_000_000.truncatingRemainder(dividingBy: 86_400) + 12 * 3_600)
        let (ports, ready) = AsyncStream.makeStream(of: Int.self)
        let simulator = HoymilesDTUSimulator(now: { noon }, onReady: { ready.yield($0) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await simulator.run() }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())

            let peer = try await ChildProcess.run(
                "nice", ["-n", "19", IndependentPeers.python, IndependentPeers.script("hoymiles_modbus_client").path, "127.0.0.1", String(port)],
                timeout: .seconds(120)
            )
            #expect(peer.status == 0, "hoymiles_modbus failed: \(peer.stderr.suffix(2_000))")
            let answer = try #require(try JSONSerialization.jsonObject(with: Data(peer.stdout.utf8)) as? [String: Any], "stdout: \(peer.stdout)")
            let blocks = try #require(answer["inverters"] as? [[String: Any]])

            let driver = HoymilesDTUDriver(
                configuration: .init(device: "dtu", host: "127.0.0.1", port: port, retry: RetryPolicy(attemptTimeout: .seconds(10))),
                now: { noon }
            )
            group.addTask { try await driver.run() }
            let logger = Logger(label: "test")
            #expect(try await driver.describe(logger: logger).serial == answer["dtu"] as? String)
            let samples = try await driver.poll(logger: logger)
            let ports = HoymilesDTUSimulator.defaultInverters.reduce(0) { $0 + $1.portCount }
            #expect(blocks.count == ports, "one block per port, then the empty one ends the list")
            for block in blocks {
                let serial = try #require(block["serial_number"] as? String)
                let number = try #require(block["port_number"] as? Int)
                let sample = try #require(samples.first { $0.device == HoymilesFields.inverterDevice(dtu: "dtu", serial: HoymilesSerialNumber(serial)!) })
                func same(_ field: String, _ key: String, scale: Double = 1) {
                    let ours = sample.number(FieldID(field))
                    let theirs = (block[key] as? Double) ?? (block[key] as? Int).map(Double.init)
                    #expect(ours.map { abs($0 - (theirs ?? .nan) * scale) < 1e-6 } == true, "\(serial) port \(number) \(field): ours \(String(describing: ours)), hoymiles_modbus \(String(describing: theirs))")
                }
                same("pv\(number)_voltage_v", "pv_voltage")
                same("pv\(number)_current_a", "pv_current")
                same("pv\(number)_power_w", "pv_power")
                same("pv\(number)_energy_today_kwh", "today_production", scale: 0.001)
                same("pv\(number)_energy_total_kwh", "total_production", scale: 0.001)
                same("grid_voltage_v", "grid_voltage")
                same("grid_frequency_hz", "grid_frequency")
                same("inverter_temperature_c", "temperature")
            }
        }
    }
}
