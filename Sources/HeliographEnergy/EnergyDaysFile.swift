import Foundation
import HeliographCore

/// Where the figures of complete days are kept across restarts, so the first year view after one
/// reads hourly rollups instead of a year of points: `energy-days.json` beside the history database,
/// replaced atomically. It is a cache: a file that cannot be read (damaged, from another version) is
/// ignored and rewritten with the next computed days; the stored points stay the truth.
public struct EnergyDaysFile: Sendable {
    /// Bumped when the calculation changes, so days computed by older code are computed again.
    static let version = 1

    public let url: URL

    public init(url: URL) {
        self.url = url
    }

    /// The file next to the history database (`energy-days.json` in its directory).
    public init(besideStorage path: String) {
        url = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("energy-days.json")
    }

    private struct Contents: Codable {
        var version: Int
        var days: [Day]
    }

    private struct Day: Codable {
        var device: String
        var boundaries: [Int64]
        /// Hexadecimal: JSON numbers above 2^53 do not survive every reader.
        var fingerprint: String
        /// One per slot: flow name → figure.
        var slots: [[String: FlowEnergy]]
    }

    /// The kept days; none when there is no file. `problem` says why a file present was not used.
    func load() -> (entries: [EnergyDayCache.Key: EnergyDayCache.Entry], problem: String?) {
        guard let data = try? Data(contentsOf: url) else { return ([:], nil) }
        guard let contents = try? JSONDecoder().decode(Contents.self, from: data) else {
            return ([:], "\(url.path) is not a valid energy days file; its days are computed again")
        }
        guard contents.version == Self.version else { return ([:], nil) }
        var entries: [EnergyDayCache.Key: EnergyDayCache.Entry] = [:]
        for day in contents.days {
            guard let entry = Self.entry(day) else { continue }
            entries[EnergyDayCache.Key(device: DeviceID(day.device), boundaries: day.boundaries)] = entry
        }
        return (entries, nil)
    }

    func save(_ entries: [EnergyDayCache.Key: EnergyDayCache.Entry]) throws {
        let days = entries.sorted { ($0.key.device.rawValue, $0.key.day) < ($1.key.device.rawValue, $1.key.day) }.map { key, entry in
            Day(
                device: key.device.rawValue, boundaries: key.boundaries, fingerprint: String(entry.fingerprint, radix: 16),
                slots: entry.figures.map { figures in Dictionary(uniqueKeysWithValues: figures.flows.map { ($0.key.rawValue, $0.value) }) }
            )
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try encoder.encode(Contents(version: Self.version, days: days)).write(to: url, options: .atomic)
    }

    /// A kept day checked as if typed by hand: ascending boundaries, one slot per span, known flows
    /// only, and every figure passed through `FlowEnergy`'s own bounds (no negative energy, coverage
    /// within the span). Nil drops the day, which is then computed again.
    private static func entry(_ day: Day) -> EnergyDayCache.Entry? {
        guard let fingerprint = UInt64(day.fingerprint, radix: 16), day.boundaries.count == day.slots.count + 1,
            zip(day.boundaries, day.boundaries.dropFirst()).allSatisfy({ $0 < $1 })
        else { return nil }
        var figures: [EnergyFigures] = []
        for (slot, span) in zip(day.slots, zip(day.boundaries, day.boundaries.dropFirst()).map { $1 - $0 }) {
            var flows: [EnergyFlow: FlowEnergy] = [:]
            for (name, energy) in slot {
                guard let flow = EnergyFlow(rawValue: name), energy.spanMilliseconds == span else { return nil }
                flows[flow] = FlowEnergy(
                    kilowattHours: energy.kilowattHours, source: energy.source, coveredMilliseconds: energy.coveredMilliseconds, spanMilliseconds: span,
                    skippedCounterSteps: max(0, energy.skippedCounterSteps))
            }
            figures.append(EnergyFigures(flows: flows, spanMilliseconds: span))
        }
        return EnergyDayCache.Entry(fingerprint: fingerprint, figures: figures)
    }
}
