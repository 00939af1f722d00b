import HeliographCore

/// A reply decoded according to the command that asked for it.
///
/// Encodes as the plain decoded value (`{"ack": true}`, `{"grid_voltage": 230.1, ...}`, `{"text": "PI30"}`)
/// so `heliograph query --json` prints something readable.
public enum PI30Response: Sendable, Hashable, Encodable {
    case ack
    case nak
    /// QPIGS.
    case generalStatus(PI30GeneralStatus)
    /// QPIGS2.
    case pv2Status(PI30PV2Status)
    /// QPIRI.
    case ratedInformation(PI30RatedInformation)
    /// QMOD.
    case mode(PI30Mode)
    /// QPIWS.
    case warnings(PI30Warnings)
    /// QID, QSID.
    case serialNumber(PI30SerialNumber)
    /// QVFW, QVFW2, QVFW3.
    case firmwareVersion(PI30FirmwareVersion)
    /// QFLAG.
    case flags(PI30FlagStatus)
    /// QDI.
    case defaultSettings(PI30DefaultSettings)
    /// QPGSn.
    case parallelStatus(PI30ParallelStatus)
    /// QMCHGCR, QMUCHGCR.
    case currentOptions(PI30CurrentOptions)
    /// QET, QLT, QEY..., QLD...
    case energy(PI30Energy)
    /// Anything the codec does not type.
    case text(PI30Text)

    /// Decodes `frame` as the reply to `command`. `ACK` and `NAK` are recognised for every command.
    public static func decode(_ frame: PI30Frame, for command: PI30Command) throws(HeliographError) -> PI30Response {
        try decode(payload: frame.payload, for: command, frame: frame.bytes)
    }

    /// Decodes a reply payload (the text between `(` and the CRC) as the reply to `command`.
    public static func decode(payload: String, for command: PI30Command, frame: [UInt8] = []) throws(HeliographError) -> PI30Response {
        if payload == "NAK" { return .nak }
        if payload == "ACK" { return .ack }
        let name = command.text
        switch name {
        case "QPIGS": return .generalStatus(try PI30GeneralStatus(payload: payload, frame: frame))
        case "QPIGS2": return .pv2Status(try PI30PV2Status(payload: payload, frame: frame))
        case "QPIRI": return .ratedInformation(try PI30RatedInformation(payload: payload, frame: frame))
        case "QMOD": return .mode(try PI30Mode(payload: payload, frame: frame))
        case "QPIWS": return .warnings(try PI30Warnings(payload: payload, frame: frame))
        case "QID": return .serialNumber(PI30SerialNumber(qid: payload))
        case "QSID": return .serialNumber(try PI30SerialNumber(qsid: payload, frame: frame))
        case "QVFW", "QVFW2", "QVFW3": return .firmwareVersion(PI30FirmwareVersion(payload: payload))
        case "QFLAG": return .flags(try PI30FlagStatus(payload: payload, frame: frame))
        case "QDI": return .defaultSettings(try PI30DefaultSettings(payload: payload, frame: frame))
        case "QMCHGCR", "QMUCHGCR": return .currentOptions(try PI30CurrentOptions(payload: payload, frame: frame))
        case "QET", "QLT": return .energy(try PI30Energy(payload: payload, frame: frame))
        default: break
        }
        if name.count == 5, name.hasPrefix("QPGS"), name.last?.isNumber == true {
            return .parallelStatus(try PI30ParallelStatus(payload: payload, frame: frame))
        }
        let energyPrefixes = ["QEY", "QEM", "QED", "QLY", "QLM", "QLD"]
        if energyPrefixes.contains(where: name.hasPrefix), name.dropFirst(3).allSatisfy(\.isNumber), name.count > 3 {
            return .energy(try PI30Energy(payload: payload, frame: frame))
        }
        return .text(PI30Text(payload))
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .ack: try AckBody(ack: true).encode(to: encoder)
        case .nak: try AckBody(ack: false).encode(to: encoder)
        case .generalStatus(let value): try value.encode(to: encoder)
        case .pv2Status(let value): try value.encode(to: encoder)
        case .ratedInformation(let value): try value.encode(to: encoder)
        case .mode(let value): try value.encode(to: encoder)
        case .warnings(let value): try value.encode(to: encoder)
        case .serialNumber(let value): try value.encode(to: encoder)
        case .firmwareVersion(let value): try value.encode(to: encoder)
        case .flags(let value): try value.encode(to: encoder)
        case .defaultSettings(let value): try value.encode(to: encoder)
        case .parallelStatus(let value): try value.encode(to: encoder)
        case .currentOptions(let value): try value.encode(to: encoder)
        case .energy(let value): try value.encode(to: encoder)
        case .text(let value): try value.encode(to: encoder)
        }
    }

    private struct AckBody: Encodable { var ack: Bool }
}
