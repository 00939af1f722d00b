import HeliographCore
import NIOCore

/// The UTF-8 string rules of MQTT §1.5.3: at most 65,535 bytes, well-formed UTF-8 (so no
/// surrogates) and no U+0000. Control characters are discouraged but legal, so they pass.
public enum MQTTString {
    /// Largest encodable string or binary field, in bytes.
    public static let maximumLength = Int(UInt16.max)

    /// Throws `malformedFrame` unless `bytes` form a legal MQTT string.
    public static func validate(bytes: some Collection<UInt8>, what: String) throws -> String {
        guard bytes.count <= maximumLength else {
            throw HeliographError(.malformedFrame, "\(what) is \(bytes.count) bytes, above \(maximumLength)")
        }
        guard !bytes.contains(0) else {
            throw HeliographError(.malformedFrame, "\(what) contains U+0000", bytes: Array(bytes.prefix(64)))
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw HeliographError(.malformedFrame, "\(what) is not well-formed UTF-8", bytes: Array(bytes.prefix(64)))
        }
        return text
    }

    /// Throws `invalidRequest` unless `text` may be written as an MQTT string.
    public static func validateForEncoding(_ text: String, what: String) throws {
        let count = text.utf8.count
        guard count <= maximumLength else {
            throw HeliographError(.invalidRequest, "\(what) is \(count) bytes, above \(maximumLength)")
        }
        guard !text.utf8.contains(0) else {
            throw HeliographError(.invalidRequest, "\(what) contains U+0000")
        }
    }
}

extension ByteBuffer {
    /// Writes a 2-byte length then the bytes (callers validated the length).
    @discardableResult
    mutating func writeMQTTString(_ text: String) -> Int {
        writeInteger(UInt16(text.utf8.count)) + writeString(text)
    }

    /// Writes a 2-byte length then the bytes (callers validated the length).
    @discardableResult
    mutating func writeMQTTBinary(_ bytes: some Collection<UInt8>) -> Int {
        writeInteger(UInt16(bytes.count)) + writeBytes(bytes)
    }

    /// Reads a length-prefixed string, throwing on truncation or bad UTF-8.
    mutating func readMQTTString(_ what: String) throws -> String {
        let bytes = try readMQTTBinary(what)
        return try MQTTString.validate(bytes: bytes, what: what)
    }

    /// Reads a length-prefixed byte field, throwing on truncation.
    mutating func readMQTTBinary(_ what: String) throws -> [UInt8] {
        guard let length = readInteger(as: UInt16.self) else {
            throw HeliographError(.malformedFrame, "\(what): length is truncated")
        }
        guard let bytes = readBytes(length: Int(length)) else {
            throw HeliographError(.malformedFrame, "\(what): \(length) bytes announced, \(readableBytes) present")
        }
        return bytes
    }
}
