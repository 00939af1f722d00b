import Foundation
import HeliographTesting

/// Captured and constructed frames plus synthetic register images, copied from the protocol research.
enum Fixtures {
    struct Frame: Decodable {
        var label: String
        var hex: String
        var checksum_ok: Bool?
        var logger_serial: UInt32?
        var control_code_le: String?
        var modbus_rtu_hex: String?
        var bytes: [UInt8] { HeliographSolarmanTests.bytes(hex) }
    }

    struct SolarmanData: Decodable {
        var real_frames: [Frame]
        var constructed_frames: [Frame]
    }

    struct Block: Decodable {
        var request_modbus_hex: String
        var modbus_response_hex: String
        var v5_response_hex: String
        var expected: [String: Expected]
    }

    enum Expected: Decodable {
        case number(Double)
        case text(String)
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) { self = .number(number) } else { self = .text(try container.decode(String.self)) }
        }
    }

    struct Vectors: Decodable {
        var block1: Block
        var block2: Block
    }

    static func load<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
            throw TestFailure("fixture \(name).json missing")
        }
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }

    static let solarman: SolarmanData = try! load("solarman_v5_data", as: SolarmanData.self)
    static let vectors: Vectors = try! load("deye_single_phase_synthetic_test_vectors", as: Vectors.self)

    static func frame(_ label: String) -> [UInt8] {
        (solarman.real_frames + solarman.constructed_frames).first { $0.label.hasPrefix(label) }!.bytes
    }
}

/// Bytes from hex with or without spaces.
func bytes(_ hex: String) -> [UInt8] {
    let digits = Array(hex.filter(\.isHexDigit))
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}
