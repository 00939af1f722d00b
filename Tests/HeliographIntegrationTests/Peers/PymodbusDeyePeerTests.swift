import Foundation
import HeliographCore
import HeliographDevices
import HeliographHoymilesTesting
import HeliographSolarman
import HeliographTesting
import Logging
import Testing

/// A Deye inverter behind an RS-485 gateway, played by pymodbus (a Modbus TCP server we did not
/// write) serving the synthetic single-phase registers of shared/protocols; our driver, with its
/// default settings, must read the values the vectors expect.
@Suite(.enabled(if: PymodbusPeer.isInstalled || isCI, "pymodbus is not installed (pip install pymodbus); skipped outside CI"))
struct PymodbusDeyePeerTests {
    struct Vectors: Decodable {
        struct Block: Decodable {
            var registers: [String: Int]
            enum CodingKeys: String, CodingKey { case block1 = "registers_0x003B_to_0x0070", block2 = "registers_0x0096_to_0x00C3" }
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                registers = try container.decodeIfPresent([String: Int].self, forKey: .block1) ?? container.decode([String: Int].self, forKey: .block2)
            }
        }
        var block1: Block
        var block2: Block
    }

    /// The vectors (Tests/HeliographSolarmanTests/Fixtures), the device type and the serial, as one image file.
    static func imageFile(model: String, serial: String) throws -> URL {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("HeliographSolarmanTests/Fixtures/deye_single_phase_synthetic_test_vectors.json")
        let vectors = try JSONDecoder().decode(Vectors.self, from: Data(contentsOf: fixtures))
        var registers: [String: Int] = ["0": Int(try RegisterMap.bundled(model).deviceTypes.first ?? 0), "1": 1]
        let bytes = Array(serial.utf8)
        for index in 0..<5 { registers[String(3 + index)] = Int(bytes[2 * index]) << 8 | Int(bytes[2 * index + 1]) }
        for (address, value) in vectors.block1.registers.merging(vectors.block2.registers, uniquingKeysWith: { first, _ in first }) {
            registers[String(Int(address.dropFirst(2), radix: 16)!)] = value
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("deye-image-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: ["size": 1_024, "registers": registers]).write(to: url)
        return url
    }

    @Test func driverReadsTheVectorsFromAPymodbusServer() async throws {
        let model = "deye_single_phase_hybrid"
        let image = try Self.imageFile(model: model, serial: "2306099999")
        defer { try? FileManager.default.removeItem(at: image) }
        let server = try ChildProcess("nice", ["-n", "19", "python3", IndependentPeers.script("pymodbus_register_server").path, image.path], input: .pipe)
        defer {
            server.closeInput()
            _ = server.waitBlocking(timeout: .seconds(30))
        }
        let line = try await withTimeout(.seconds(60), "pymodbus server prints READY") {
            for await line in server.lines { return line }
            return ""
        }
        let port = try #require(line.hasPrefix("READY ") ? Int(line.dropFirst(6)) : nil, "\(line) \(server.stderr)")

        // Default settings but for the transport a gateway needs, and a longer wait beside other suites.
        let driver = try DeyeDriver(
            device: "gateway", host: "127.0.0.1", port: port,
            configuration: .init(loggerSerial: 0, model: model, transportKind: .modbusTCP, retry: RetryPolicy(attempts: 3, attemptTimeout: .seconds(10)))
        )
        let logger = Logger(label: "test")
        #expect(try await driver.describe(logger: logger).serial == "2306099999")
        let sample = try #require(try await driver.poll(logger: logger).first)
        let expected: [FieldID: Double] = [
            "battery_voltage_v": 52.34, "battery_soc_pct": 87, "battery_power_w": 1_500, "battery_current_a": 28.66,
            "grid_power_w": -800, "grid_frequency_hz": 49.98, "pv1_voltage_v": 345.6, "pv1_current_a": 5.2,
            "pv1_power_w": 1_797, "pv2_power_w": 1_584, "pv_power_w": 3_381, "load_power_w": 1_070,
            "pv_energy_total_kwh": 13_107.2, "grid_import_energy_total_kwh": 10_000,
        ]
        for (field, value) in expected {
            #expect(sample.number(field).map { abs($0 - value) < 1e-6 } == true, "\(field): \(String(describing: sample[field])), vectors say \(value)")
        }
        #expect(sample["device_state"] == .text("Normal"))
    }
}
