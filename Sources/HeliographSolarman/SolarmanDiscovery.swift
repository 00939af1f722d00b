/// Logger discovery on UDP 48899: a fixed ASCII probe, answered by one `IP,MAC,SERIAL` datagram.
public enum SolarmanDiscovery {
    public static let port = 48_899
    /// The probe IGEN loggers answer.
    public static let probe = Array("WIFIKIT-214028-READ".utf8)
    /// The Hi-Flying module's own search string, also answered by some sticks.
    public static let alternativeProbe = Array("HF-A11ASSISTHREAD".utf8)

    /// One logger that answered.
    public struct Reply: Sendable, Hashable, Codable, CustomStringConvertible {
        /// Dotted IPv4 address as the logger reports it.
        public var ip: String
        /// Twelve upper-case hex digits, no separators.
        public var mac: String
        /// The logger (stick) serial used in V5 frames.
        public var serial: UInt32

        public init(ip: String, mac: String, serial: UInt32) {
            self.ip = ip
            self.mac = mac
            self.serial = serial
        }

        public var description: String { "\(ip)  \(mac)  \(serial)" }

        /// The datagram a logger sends (used by the fake responder).
        public var bytes: [UInt8] { Array("\(ip),\(mac),\(serial)".utf8) }
    }

    /// Parses a reply; nil for anything that is not `IPv4,12-hex-MAC,decimal serial` (GoodWe kits also answer).
    public static func parseReply(_ bytes: [UInt8]) -> Reply? {
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let parts = text.trimmingCharacters(in: " \r\n\0").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else { return nil }
        let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else { return nil }
        let mac = parts[1].uppercased()
        guard mac.count == 12, mac.allSatisfy(\.isHexDigit) else { return nil }
        guard !parts[2].isEmpty, parts[2].allSatisfy(\.isASCII), let serial = UInt32(parts[2]) else { return nil }
        return Reply(ip: parts[0], mac: mac, serial: serial)
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        let drop = Set(set)
        var slice = Substring(self)
        while let first = slice.first, drop.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, drop.contains(last) { slice = slice.dropLast() }
        return slice
    }
}
