/// A Hoymiles inverter or DTU serial number: 6 raw bytes shown as 12 lower-case hex digits
/// (`10 33 32 41 63 55` → `103332416355`). The digits read like decimal but are the bytes' hex.
public struct HoymilesSerialNumber: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The 6 bytes as sent.
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        precondition(bytes.count == 6, "a Hoymiles serial has 6 bytes")
        self.bytes = bytes
    }

    /// Parses 12 hex digits; nil for anything else.
    public init?(_ text: String) {
        let characters = Array(text.lowercased())
        guard characters.count == 12 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: 12, by: 2) {
            guard let byte = UInt8(String(characters[index...index + 1]), radix: 16) else { return nil }
            bytes.append(byte)
        }
        self.bytes = bytes
    }

    public var description: String {
        bytes.map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }.joined()
    }

    /// All zero: the DTU's end-of-list marker.
    public var isEmpty: Bool { bytes.allSatisfy { $0 == 0 } }

    /// MI-series micro-inverters (serial starting `10`) report PV current in 0.1 A; HM/HMS/HMT in 0.01 A.
    public var isMISeries: Bool { bytes[0] == 0x10 }

    /// Scale of the raw PV current register for this inverter series.
    public var pvCurrentScale: Double { isMISeries ? 0.1 : 0.01 }

    /// The series name shown as the model.
    public var series: String {
        switch bytes[0] {
        case 0x10: "MI"
        case 0x11: "HM"
        case 0x13, 0x14: "HMS"
        default: "HM"
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let serial = HoymilesSerialNumber(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not 12 hex digits: \(text)"))
        }
        self = serial
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
