/// The error every Heliograph component throws at its public surface.
///
/// `Code` is opaque so new cases do not break callers; the struct carries the device, a message
/// meant for the user, the offending bytes when a frame was bad, and the underlying error.
public struct HeliographError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case malformedFrame = "malformed frame"
            case checksumMismatch = "checksum mismatch"
            case unexpectedResponse = "unexpected response"
            case deviceRejected = "device rejected the request"
            case timeout = "timeout"
            case connectionFailed = "connection failed"
            case deviceUnavailable = "device unavailable"
            case invalidConfiguration = "invalid configuration"
            case settingRejected = "setting rejected"
            case unauthorized = "unauthorized"
            case rateLimited = "rate limited"
            case storageFailure = "storage failure"
            case notFound = "not found"
            case invalidRequest = "invalid request"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        public var description: String { base.rawValue }

        /// Bytes did not form a valid frame (bad start byte, wrong length, unparsable payload).
        public static let malformedFrame = Code(.malformedFrame)
        /// A CRC or checksum did not match.
        public static let checksumMismatch = Code(.checksumMismatch)
        /// A well-formed frame that does not answer what was asked.
        public static let unexpectedResponse = Code(.unexpectedResponse)
        /// The device answered NAK or a Modbus exception.
        public static let deviceRejected = Code(.deviceRejected)
        public static let timeout = Code(.timeout)
        public static let connectionFailed = Code(.connectionFailed)
        /// The device path does not exist or vanished.
        public static let deviceUnavailable = Code(.deviceUnavailable)
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// A command outside the allow-list or its range.
        public static let settingRejected = Code(.settingRejected)
        public static let unauthorized = Code(.unauthorized)
        public static let rateLimited = Code(.rateLimited)
        public static let storageFailure = Code(.storageFailure)
        public static let notFound = Code(.notFound)
        public static let invalidRequest = Code(.invalidRequest)
    }

    public var code: Code
    public var message: String
    public var device: DeviceID?
    /// The raw bytes of a bad frame, for bug reports.
    public var bytes: [UInt8]?
    public var underlying: (any Error)?
    public var file: String
    public var line: Int

    public init(
        _ code: Code,
        _ message: String,
        device: DeviceID? = nil,
        bytes: [UInt8]? = nil,
        underlying: (any Error)? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.device = device
        self.bytes = bytes
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    public var description: String {
        var text = device.map { "\($0): " } ?? ""
        text += "\(code): \(message)"
        if let bytes {
            text += " [\(bytes.prefix(64).map { hex($0) }.joined(separator: " "))\(bytes.count > 64 ? " …" : "")]"
        }
        if let underlying { text += " (\(underlying))" }
        return text
    }

    /// Returns a copy attributed to a device.
    public func on(_ device: DeviceID) -> HeliographError {
        var copy = self
        copy.device = device
        return copy
    }
}

private func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}
