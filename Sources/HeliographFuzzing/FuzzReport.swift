/// What one target's run found, and how fast it went.
public struct FuzzReport: Sendable, Codable, Hashable {
    /// Something that must not happen on any input. A crash never gets here: the process is gone
    /// and the crash reporter has printed the replay line.
    public struct Finding: Sendable, Codable, Hashable, CustomStringConvertible {
        public enum Kind: String, Sendable, Codable, Hashable {
            /// One input took longer than the limit.
            case hang
            /// Peak resident memory went over the bound.
            case memory
        }

        public var kind: Kind
        /// The input that was running, or the last input before the memory check that tripped.
        public var index: Int
        public var detail: String

        public var description: String { "\(kind.rawValue) at input \(index): \(detail)" }
    }

    public var target: String
    public var seed: UInt64
    public var start: Int
    /// Inputs run (fewer than asked when the time limit or a finding ended the run).
    public var inputs: Int
    /// Inputs the decoder accepted as valid; shows the mutations get past the integrity checks.
    public var accepted: Int
    public var seconds: Double
    public var peakRSSBytes: Int?
    public var findings: [Finding]

    /// Inputs per second, to one decimal.
    public var inputsPerSecond: Double
    public var passed: Bool { findings.isEmpty }

    enum CodingKeys: String, CodingKey {
        case target, seed, start, inputs, accepted, seconds, findings
        case peakRSSBytes = "peak_rss_bytes"
        case inputsPerSecond = "inputs_per_second"
    }

    public init(target: String, seed: UInt64, start: Int, inputs: Int, accepted: Int, seconds: Double, peakRSSBytes: Int?, findings: [Finding]) {
        self.target = target
        self.seed = seed
        self.start = start
        self.inputs = inputs
        self.accepted = accepted
        self.seconds = seconds
        self.peakRSSBytes = peakRSSBytes
        self.findings = findings
        self.inputsPerSecond = seconds > 0 ? (Double(inputs) / seconds * 10).rounded() / 10 : 0
    }
}
