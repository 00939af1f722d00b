import HeliographCore

/// QMOD: the operating mode letter.
public struct PI30Mode: Sendable, Hashable, Codable {
    /// The letter as sent (`P`, `S`, `L`, `B`, `F`, `H`, `D`, `Y`).
    public var mode: String
    /// A short label (`Battery`, `Line` ...), or `Unknown (X)`.
    public var meaning: String

    public init(code: String) {
        mode = code
        meaning = Self.labels[code] ?? "Unknown (\(code))"
    }

    public init(payload: String, frame: [UInt8] = []) throws(HeliographError) {
        guard payload.count == 1, payload.first?.isLetter == true else {
            throw HeliographError(.malformedFrame, "QMOD reply \"\(payload)\" is not one mode letter", bytes: frame)
        }
        self.init(code: payload)
    }

    /// True in fault mode.
    public var isFault: Bool { mode == "F" }

    static let labels = [
        "P": "Power on", "S": "Standby", "L": "Line", "B": "Battery", "F": "Fault", "H": "Power saving",
        "D": "Shutdown", "Y": "Bypass",
    ]
}
