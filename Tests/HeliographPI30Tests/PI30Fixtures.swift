import Foundation
import HeliographTesting

/// A JSON value, typed strictly (a number never compares equal to a bool), for fixture comparisons.
enum JSONValue: Decodable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var array: [JSONValue] {
        if case .array(let value) = self { return value }
        return []
    }

    var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .number(let value): "\(value)"
        case .string(let value): "\"\(value)\""
        case .array(let value): "[\(value.map(\.description).joined(separator: ", "))]"
        case .object(let value): "{\(value.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))}"
        }
    }

    /// Differences where `self` (expected) is not contained in `actual`. Human-readable `meaning`
    /// labels are not compared (the codes next to them are); `null` expects the key to be absent.
    func mismatches(in actual: JSONValue?, path: String = "$") -> [String] {
        switch self {
        case .null:
            if let actual, actual != .null { return ["\(path): expected null, got \(actual)"] }
            return []
        case .object(let expected):
            guard case .object(let object)? = actual else { return ["\(path): expected an object, got \(actual?.description ?? "nothing")"] }
            return expected.sorted { $0.key < $1.key }.flatMap { key, value -> [String] in
                if key == "meaning" || key.hasSuffix("_meaning") {
                    return object[key] == nil ? ["\(path).\(key): missing"] : []
                }
                return value.mismatches(in: object[key], path: "\(path).\(key)")
            }
        case .array(let expected):
            guard case .array(let values)? = actual, values.count == expected.count else {
                return ["\(path): expected \(self), got \(actual?.description ?? "nothing")"]
            }
            return zip(expected, values).enumerated().flatMap { index, pair in pair.0.mismatches(in: pair.1, path: "\(path)[\(index)]") }
        case .number(let expected):
            guard case .number(let value)? = actual, abs(value - expected) < 1e-9 else {
                return ["\(path): expected \(expected), got \(actual?.description ?? "nothing")"]
            }
            return []
        case .bool, .string:
            return actual == self ? [] : ["\(path): expected \(self), got \(actual?.description ?? "nothing")"]
        }
    }
}

enum PI30Fixtures {
    /// `pi30_data.json`, copied from the shared protocol notes into the test bundle.
    static func data() throws -> JSONValue { try parsed.get() }

    /// Parsed once: decoding the 135 KB file into `JSONValue` takes seconds in a debug build (every
    /// value is tried as each type in turn), time the cooperative pool's other tests would wait for.
    private static let parsed = Result<JSONValue, any Error>(catching: {
        guard let url = Bundle.module.url(forResource: "pi30_data", withExtension: "json", subdirectory: "Fixtures") else {
            throw TestFailure("Fixtures/pi30_data.json is missing from the test bundle")
        }
        return try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))
    })

    /// Every command vector: CRC test vectors, quirk vectors and setter examples.
    static func commandVectors() throws -> [JSONValue] {
        let data = try data()
        let crc = data["crc"]
        return (crc?["test_vectors"]?.array ?? []) + (crc?["quirk_vectors"]?.array ?? [])
            + (data["setter_commands"]?.array ?? []).flatMap { $0["examples"]?.array ?? [] }
    }
}

func bytes(hex: String) -> [UInt8] {
    var result: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        result.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return result
}

func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}
