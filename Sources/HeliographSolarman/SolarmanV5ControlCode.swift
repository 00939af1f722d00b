/// The V5 control code (offset 3, little-endian): what a frame is and which way it travels.
public struct SolarmanV5ControlCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Logger → server handshake.
    public static let handshake = Self(rawValue: 0x4110)
    /// Logger → cloud periodic data upload.
    public static let data = Self(rawValue: 0x4210)
    /// Logger → server firmware, IP and SSID.
    public static let info = Self(rawValue: 0x4310)
    /// Client → logger Modbus pass-through request.
    public static let request = Self(rawValue: 0x4510)
    /// Logger → client answer to `request`.
    public static let response = Self(rawValue: 0x1510)
    /// Unsolicited keep-alive/counter; may arrive on a client connection.
    public static let heartbeat = Self(rawValue: 0x4710)
    /// Logger → server report.
    public static let report = Self(rawValue: 0x4810)

    /// The code of the answer to a frame with this code: the high byte minus 0x30 (0x4510 → 0x1510).
    public var replyCode: Self { Self(rawValue: rawValue &- 0x3000) }

    /// Frames a logger sends on its own (not answers to our requests): they are skipped, never taken as replies.
    public var isUnsolicited: Bool {
        [Self.handshake, .data, .info, .heartbeat, .report].contains(self)
    }

    public var description: String {
        let name =
            switch self {
            case .handshake: "handshake"
            case .data: "data"
            case .info: "info"
            case .request: "request"
            case .response: "response"
            case .heartbeat: "heartbeat"
            case .report: "report"
            default: "unknown"
            }
        return "\(name) (0x\(String(rawValue, radix: 16, uppercase: true)))"
    }
}
