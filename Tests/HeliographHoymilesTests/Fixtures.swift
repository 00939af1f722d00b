import Foundation
import HeliographCore
import HeliographTesting
import Synchronization

/// The bundled copy of shared/protocols/hoymiles_dtu_modbus.json.
struct HoymilesFixture: Decodable {
    struct Vector: Decodable {
        var label: String
        var port_block_hex: String
        var constructed_modbus_tcp_request_hex: String
        var constructed_modbus_tcp_response_hex: String
        var expected_decoded: Expected

        enum CodingKeys: String, CodingKey {
            case label, port_block_hex, expected_decoded
            case constructed_modbus_tcp_request_hex = "constructed_modbus_tcp_request_hex (transaction 1, unit 1, read 0x1000 x20)"
            case constructed_modbus_tcp_response_hex
        }
    }

    struct Expected: Decodable {
        var serial_number: String
        var port_number: Int
        var pv_voltage_V: Double
        var pv_current_A: Double
        var grid_voltage_V: Double
        var grid_frequency_Hz: Double
        var pv_power_W: Double
        var today_production_Wh: Int
        var total_production_Wh: Int
        var temperature_C: Double
        var operating_status: Int
        var alarm_code: Int
        var alarm_count: Int
        var link_status: Int
    }

    struct DTUSerial: Decodable {
        struct Vector: Decodable {
            var pdu_data_hex: String
            var expected: String
        }
        var test_vector: Vector
    }

    var test_vectors: [Vector]
    var dtu_serial: DTUSerial
    var empty_block_example_hex: String

    static let url = Bundle.module.url(forResource: "Fixtures/hoymiles_dtu_modbus", withExtension: "json")!

    static func load() throws -> HoymilesFixture {
        try JSONDecoder().decode(HoymilesFixture.self, from: Data(contentsOf: url))
    }
}

func hexBytes(_ text: String) -> [UInt8] {
    text.split(whereSeparator: { $0 == " " }).map { UInt8($0, radix: 16)! }
}

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func set(_ date: Date) { current.withLock { $0 = date } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// A UTC date for readable tests.
func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
}
