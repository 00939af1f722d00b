import HeliographCore

/// One reply from the inverter, framing checked: `(` payload CRC CR.
public struct PI30Frame: Sendable, Hashable {
    /// The ASCII text between `(` and the CRC, e.g. `ACK` or `000.0 00.0 230.0 ...`.
    public var payload: String
    /// The whole frame as received, including `(`, CRC and terminator, for errors and `--raw` output.
    public var bytes: [UInt8]
    public var checksumForm: PI30ChecksumForm

    public init(payload: String, bytes: [UInt8], checksumForm: PI30ChecksumForm) {
        self.payload = payload
        self.bytes = bytes
        self.checksumForm = checksumForm
    }

    /// Builds the reply bytes a device sends for `payload` (used by the simulator and tests).
    public static func responseBytes(payload: String) -> [UInt8] {
        var bytes: [UInt8] = [0x28]
        bytes.append(contentsOf: payload.utf8)
        let (high, low) = PI30CRC.wireBytes(PI30CRC.checksum(bytes))
        bytes.append(contentsOf: [high, low, 0x0D])
        return bytes
    }

    /// Checks one complete frame (`(` ... terminator) and extracts its payload.
    ///
    /// A bare `(NAK` without CRC is accepted because the protocol allows it.
    public static func validate(_ frame: [UInt8]) throws(HeliographError) -> PI30Frame {
        guard frame.first == 0x28, let last = frame.last, last == 0x0D || last == 0x0A else {
            throw HeliographError(.malformedFrame, "a PI30 reply must start with '(' and end with CR", bytes: frame)
        }
        let body = frame.dropLast()
        if body.count >= 3 {
            let checked = body.dropLast(2)
            let high = body[body.endIndex - 2]
            let low = body[body.endIndex - 1]
            if let form = PI30CRC.form(high: high, low: low, matching: PI30CRC.checksum(checked)) {
                return PI30Frame(payload: ascii(checked.dropFirst()), bytes: frame, checksumForm: form)
            }
        }
        if Array(body) == Array("(NAK".utf8) {
            return PI30Frame(payload: "NAK", bytes: frame, checksumForm: .absent)
        }
        guard body.count >= 3 else {
            throw HeliographError(.malformedFrame, "PI30 reply too short to carry a CRC", bytes: frame)
        }
        let computed = PI30CRC.checksum(body.dropLast(2))
        let expected = PI30CRC.wireBytes(computed)
        throw HeliographError(
            .checksumMismatch,
            "PI30 reply CRC is \(hex(body[body.endIndex - 2]))\(hex(body[body.endIndex - 1])), expected \(hex(expected.high))\(hex(expected.low))",
            bytes: frame
        )
    }

    /// True when the payload is `ACK`.
    public var isACK: Bool { payload == "ACK" }
    /// True when the payload is `NAK` (rejected or unknown command).
    public var isNAK: Bool { payload == "NAK" }
}

/// Non-ASCII bytes become U+FFFD rather than failing: field parsing reports them precisely later.
func ascii<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
    String(decoding: bytes, as: UTF8.self)
}

func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}
