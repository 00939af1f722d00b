import HeliographCore
import NIOCore

/// One command sent to a PI30 inverter: ASCII text such as `QPIGS` or `POP02`, framed with its CRC and CR.
public struct PI30Command: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The ASCII command without CRC or terminator.
    public let text: String

    /// Wraps `text` without checking it; use `validated(_:)` for user input.
    public init(_ text: String) { self.text = text }
    public init(stringLiteral value: String) { self.text = value }

    /// Checks that `text` is a plausible PI30 command (printable ASCII, no spaces, 1...32 characters).
    public static func validated(_ text: String) throws(HeliographError) -> PI30Command {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 32, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x28 }) else {
            throw HeliographError(.invalidRequest, "\"\(text)\" is not a PI30 command (printable ASCII, no spaces, up to 32 characters)")
        }
        return PI30Command(text)
    }

    public var description: String { text }

    /// The bytes on the wire: command, CRC (Voltronic form), CR.
    public var frameBytes: [UInt8] {
        var bytes = Array(text.utf8)
        let (high, low) = PI30CRC.wireBytes(PI30CRC.checksum(bytes))
        bytes.append(contentsOf: [high, low, 0x0D])
        return bytes
    }

    /// Writes the framed command into `buffer`.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeBytes(frameBytes)
    }

    public init(from decoder: any Decoder) throws { self.text = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

extension PI30Command {
    /// Protocol id, e.g. `PI30`.
    public static let qpi: PI30Command = "QPI"
    /// Serial number.
    public static let qid: PI30Command = "QID"
    /// Long serial number (PI30MAX).
    public static let qsid: PI30Command = "QSID"
    /// Main CPU firmware version.
    public static let qvfw: PI30Command = "QVFW"
    /// Rated values and current settings.
    public static let qpiri: PI30Command = "QPIRI"
    /// Enabled and disabled flags.
    public static let qflag: PI30Command = "QFLAG"
    /// General status: voltages, powers, battery, PV.
    public static let qpigs: PI30Command = "QPIGS"
    /// PV2 status (PI30MAX).
    public static let qpigs2: PI30Command = "QPIGS2"
    /// Operating mode letter.
    public static let qmod: PI30Command = "QMOD"
    /// Warning bits.
    public static let qpiws: PI30Command = "QPIWS"
    /// Factory default settings.
    public static let qdi: PI30Command = "QDI"
    /// Selectable max charging currents.
    public static let qmchgcr: PI30Command = "QMCHGCR"
    /// Selectable max utility charging currents.
    public static let qmuchgcr: PI30Command = "QMUCHGCR"

    /// Status of parallel unit `unit` (0...9).
    public static func qpgs(_ unit: Int) -> PI30Command { PI30Command("QPGS\(unit)") }
}
