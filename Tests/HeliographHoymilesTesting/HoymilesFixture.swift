import Foundation

/// The bundled copy of shared/protocols/hoymiles_dtu_modbus.json, shared by the Hoymiles unit tests
/// and the pymodbus peer test (integration).
public struct HoymilesFixture: Decodable, Sendable {
    public struct Vector: Decodable, Sendable {
        public var label: String
        public var port_block_hex: String
        public var constructed_modbus_tcp_request_hex: String
        public var constructed_modbus_tcp_response_hex: String
        public var expected_decoded: Expected

        enum CodingKeys: String, CodingKey {
            case label, port_block_hex, expected_decoded
            case constructed_modbus_tcp_request_hex = "constructed_modbus_tcp_request_hex (transaction 1, unit 1, read 0x1000 x20)"
            case constructed_modbus_tcp_response_hex
        }
    }

    public struct Expected: Decodable, Sendable {
        public var serial_number: String
        public var port_number: Int
        public var pv_voltage_V: Double
        public var pv_current_A: Double
        public var grid_voltage_V: Double
        public var grid_frequency_Hz: Double
        public var pv_power_W: Double
        public var today_production_Wh: Int
        public var total_production_Wh: Int
        public var temperature_C: Double
        public var operating_status: Int
        public var alarm_code: Int
        public var alarm_count: Int
        public var link_status: Int
    }

    public struct DTUSerial: Decodable, Sendable {
        public struct Vector: Decodable, Sendable {
            public var pdu_data_hex: String
            public var expected: String
        }
        public var test_vector: Vector
    }

    public var test_vectors: [Vector]
    public var dtu_serial: DTUSerial
    public var empty_block_example_hex: String

    public static let url = Bundle.module.url(forResource: "Fixtures/hoymiles_dtu_modbus", withExtension: "json")!
    /// A DTU stand-in served by pymodbus from this fixture (`python3 <script> <fixture>` prints `READY <port>`).
    public static let pymodbusPeerScript = Bundle.module.url(forResource: "Peers/pymodbus_dtu_server", withExtension: "py")!

    public static func load() throws -> HoymilesFixture {
        try JSONDecoder().decode(HoymilesFixture.self, from: Data(contentsOf: url))
    }
}
