/// The energy of one flow over one span of time, with where it came from and how much of the span
/// had data. Never negative; unknown energy is reported as missing coverage, not guessed.
public struct FlowEnergy: Sendable, Hashable, Codable {
    public var kilowattHours: Double
    /// The least trusted source that contributed (a week of counters with one integrated day says `integrated`).
    public var source: EnergySource
    /// Milliseconds of the span with data.
    public var coveredMilliseconds: Int64
    /// Milliseconds of the span (a 23-hour DST day is 82 800 000).
    public var spanMilliseconds: Int64
    /// Counter steps skipped as impossible jumps, spikes or glitches.
    public var skippedCounterSteps: Int

    public init(kilowattHours: Double, source: EnergySource, coveredMilliseconds: Int64, spanMilliseconds: Int64, skippedCounterSteps: Int = 0) {
        self.kilowattHours = max(0, kilowattHours.isFinite ? kilowattHours : 0)
        self.source = source
        self.coveredMilliseconds = min(max(0, coveredMilliseconds), max(0, spanMilliseconds))
        self.spanMilliseconds = max(0, spanMilliseconds)
        self.skippedCounterSteps = skippedCounterSteps
    }

    /// Nothing known about a span of this length.
    public static func unknown(spanMilliseconds: Int64) -> FlowEnergy {
        FlowEnergy(kilowattHours: 0, source: .none, coveredMilliseconds: 0, spanMilliseconds: spanMilliseconds)
    }

    /// The share of the span with data, 0...1.
    public var coverage: Double { spanMilliseconds > 0 ? Double(coveredMilliseconds) / Double(spanMilliseconds) : 0 }

    /// Hours of the span without data: energy that happened but is not known.
    public var unknownHours: Double { Double(spanMilliseconds - coveredMilliseconds) / 3_600_000 }

    /// Whether anything is known.
    public var isKnown: Bool { source != .none }

    /// This span followed by `next` (a day then the next day): energies and times add up.
    public func followed(by next: FlowEnergy) -> FlowEnergy {
        FlowEnergy(
            kilowattHours: kilowattHours + next.kilowattHours,
            source: Self.weakest(source, next.source),
            coveredMilliseconds: coveredMilliseconds + next.coveredMilliseconds,
            spanMilliseconds: spanMilliseconds + next.spanMilliseconds,
            skippedCounterSteps: skippedCounterSteps + next.skippedCounterSteps
        )
    }

    /// This flow and the same flow of another device over the same span: energies add up, the
    /// coverage is the smaller one (the site's figure is only as complete as its least complete part).
    /// A device that has the flow but no data for the span leaves the sum's energy as it is and its coverage at 0.
    public func alongside(_ other: FlowEnergy) -> FlowEnergy {
        guard isKnown, other.isKnown else {
            var known = isKnown ? self : other
            known.coveredMilliseconds = min(coveredMilliseconds, other.coveredMilliseconds)
            known.skippedCounterSteps = skippedCounterSteps + other.skippedCounterSteps
            return known
        }
        return FlowEnergy(
            kilowattHours: kilowattHours + other.kilowattHours,
            source: max(source, other.source),
            coveredMilliseconds: min(coveredMilliseconds, other.coveredMilliseconds),
            spanMilliseconds: max(spanMilliseconds, other.spanMilliseconds),
            skippedCounterSteps: skippedCounterSteps + other.skippedCounterSteps
        )
    }

    /// The less trusted of two sources, where an unknown part of a longer span does not hide the known parts.
    static func weakest(_ a: EnergySource, _ b: EnergySource) -> EnergySource {
        if a == .none { return b }
        if b == .none { return a }
        return max(a, b)
    }
}
