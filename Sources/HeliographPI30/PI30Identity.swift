import HeliographCore

/// QID / QSID: the serial number, kept as text (leading zeros matter).
public struct PI30SerialNumber: Sendable, Hashable, Codable {
    /// The payload as sent.
    public var text: String
    /// QSID only: how many leading characters are valid.
    public var validLength: Int?
    public var serialNumber: String

    enum CodingKeys: String, CodingKey { case text, validLength = "valid_length", serialNumber = "serial_number" }

    /// QID: the whole payload is the serial number.
    public init(qid payload: String) {
        text = payload
        validLength = nil
        serialNumber = payload
    }

    /// QSID: two digits giving the valid length, then the zero-padded serial.
    public init(qsid payload: String, frame: [UInt8] = []) throws(HeliographError) {
        let characters = Array(payload)
        // `Int` also reads "-1" and "+3": only two digits are a length.
        guard characters.count >= 2, characters[0..<2].allSatisfy({ $0.isASCII && $0.isNumber }), let length = Int(String(characters[0..<2])),
            length <= characters.count - 2
        else {
            throw HeliographError(.malformedFrame, "QSID reply \"\(payload)\" lacks a valid length prefix", bytes: frame)
        }
        text = payload
        validLength = length
        serialNumber = String(characters[2..<(2 + length)])
    }
}

/// QVFW / QVFW2 / QVFW3: a firmware version `VERFW:00072.70`.
public struct PI30FirmwareVersion: Sendable, Hashable, Codable {
    public var text: String
    /// The text after `VERFW:`, e.g. `00072.70`.
    public var version: String
    /// Digits before the dot (the series number).
    public var series: String
    /// Digits after the dot.
    public var revision: String

    public init(payload: String) {
        text = payload
        if let colon = payload.firstIndex(of: ":") {
            version = String(payload[payload.index(after: colon)...])
        } else {
            version = payload
        }
        let parts = version.split(separator: ".", maxSplits: 1)
        series = parts.first.map(String.init) ?? version
        revision = parts.count > 1 ? String(parts[1]) : ""
    }
}

/// QMCHGCR / QMUCHGCR: the charge currents a setter accepts.
public struct PI30CurrentOptions: Sendable, Hashable, Codable {
    public var text: String
    /// Allowed values in A.
    public var optionsA: [Double]

    enum CodingKeys: String, CodingKey { case text, optionsA = "options_a" }

    public init(payload: String, frame: [UInt8] = []) throws(HeliographError) {
        let fields = try PI30FieldReader("current options", payload, frame: frame, minimumCount: 1)
        text = payload
        optionsA = try (0..<fields.count).map { index throws(HeliographError) in try fields.number(index) }
    }
}

/// QET, QLT, QEY/QEM/QED and QLY/QLM/QLD (PI30MAX): an energy counter in Wh.
public struct PI30Energy: Sendable, Hashable, Codable {
    public var text: String
    public var energyWh: Double

    enum CodingKeys: String, CodingKey { case text, energyWh = "energy_wh" }

    public init(payload: String, frame: [UInt8] = []) throws(HeliographError) {
        guard let value = Double(payload.trimmingSpaces()) else {
            throw HeliographError(.malformedFrame, "energy reply \"\(payload)\" is not a number", bytes: frame)
        }
        text = payload
        energyWh = value
    }
}

/// Replies the codec does not type (QPI, QMN, QT, Q1 ...): the payload text.
public struct PI30Text: Sendable, Hashable, Codable {
    public var text: String
    public init(_ text: String) { self.text = text }
}

extension String {
    func trimmingSpaces() -> Substring {
        var slice = self[...]
        while slice.first == " " { slice.removeFirst() }
        while slice.last == " " { slice.removeLast() }
        return slice
    }
}
