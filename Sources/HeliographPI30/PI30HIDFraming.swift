/// USB HID framing: the Cypress-style bridge moves 8-byte reports in both directions.
public enum PI30HIDFraming {
    /// Bytes per HID report, both directions.
    public static let reportSize = 8

    /// Splits a framed command into 8-byte reports, padding the last one with 0x00.
    public static func reports<Bytes: Collection<UInt8>>(for frame: Bytes) -> [[UInt8]] {
        var reports: [[UInt8]] = []
        var rest = frame[...]
        while !rest.isEmpty {
            var report = Array(rest.prefix(reportSize))
            rest = rest.dropFirst(reportSize)
            report.append(contentsOf: repeatElement(0, count: reportSize - report.count))
            reports.append(report)
        }
        return reports
    }
}

/// Joins 8-byte HID reads into one reply: concatenates until a CR (or LF) arrives, then drops the
/// NUL padding after it. NUL-only reports before a reply starts are ignored.
public struct PI30HIDReassembler: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    /// Bytes collected so far for the reply in progress.
    public var pendingBytes: [UInt8] { pending }

    /// Adds one report; returns the complete frame (through its terminator) once it has arrived.
    public mutating func append<Bytes: Sequence<UInt8>>(_ report: Bytes) -> [UInt8]? {
        for byte in report {
            if pending.isEmpty && byte == 0x00 { continue }
            pending.append(byte)
            if byte == 0x0D || byte == 0x0A {
                // The rest of this report is padding.
                defer { pending.removeAll(keepingCapacity: true) }
                return pending
            }
        }
        return nil
    }
}
