import Foundation
import HeliographCore
import HeliographStorageBase
import Synchronization

/// Per-device figures of complete local days, each with the fingerprint of the stored data it came from
/// and the slot boundaries the day was cut at (a day view cuts at every hour, a tariff at its windows).
/// A year view then reads 24 hourly rollup rows per field and day instead of every point. With a file
/// (`EnergyDaysFile`) the days outlive a restart: it is read on first use and written after a report
/// that computed new days. Days cut into hours (a day view) stay in memory only: they would make the
/// file 24 times larger, and one day is quick to compute again.
final class EnergyDayCache: Sendable {
    struct Key: Hashable {
        var device: DeviceID
        /// The day's slots: its midnight, the cuts inside it, the next midnight.
        var boundaries: [Int64]

        var day: Int64 { boundaries.first ?? 0 }
    }

    struct Entry: Hashable {
        var fingerprint: UInt64
        var figures: [EnergyFigures]
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        /// Entries left out of the file.
        var transient: Set<Key> = []
        var loaded = false
        /// Days added since the file was last written.
        var changed = false
        /// Why the file could not be read or written, for `/stats`.
        var problem: String?
    }

    /// Kept days across devices and slot layouts: a few years of one site; the oldest go first beyond it.
    static let capacity = 20_000
    private let state = Mutex(State())
    let file: EnergyDaysFile?

    init(file: EnergyDaysFile? = nil) {
        self.file = file
    }

    func figures(_ key: Key, fingerprint: UInt64) -> [EnergyFigures]? {
        withLoaded { state in state.entries[key].flatMap { $0.fingerprint == fingerprint ? $0.figures : nil } }
    }

    /// Keeps a day's figures; `persist` false keeps them out of the file.
    func store(_ figures: [EnergyFigures], key: Key, fingerprint: UInt64, persist: Bool = true) {
        withLoaded { state in
            if state.entries[key] == nil, state.entries.count >= Self.capacity, let oldest = state.entries.keys.min(by: { $0.day < $1.day }) {
                state.entries[oldest] = nil
                state.transient.remove(oldest)
            }
            state.entries[key] = Entry(fingerprint: fingerprint, figures: figures)
            if persist {
                state.transient.remove(key)
                state.changed = true
            } else {
                state.transient.insert(key)
            }
        }
    }

    /// Writes the kept days to the file when days were added since the last write. A failure (disk full,
    /// read-only directory) keeps the days in memory and is reported in `statistics`.
    func save() {
        guard let file else { return }
        let snapshot: [Key: Entry]? = state.withLock { state in
            guard state.changed else { return nil }
            state.changed = false
            return state.entries.filter { !state.transient.contains($0.key) }
        }
        guard let snapshot else { return }
        do {
            try file.save(snapshot)
            state.withLock { $0.problem = nil }
        } catch {
            state.withLock { $0.problem = "could not write \(file.url.path): \(error)" }
        }
    }

    /// How many device days are kept and how many counter steps were skipped in them.
    var statistics: EnergyStatistics {
        withLoaded { state in
            let skipped = state.entries.values.reduce(0) { total, entry in
                total + entry.figures.reduce(0) { $0 + $1.flows.values.reduce(0) { $0 + $1.skippedCounterSteps } }
            }
            return EnergyStatistics(keptDeviceDays: state.entries.count, skippedCounterSteps: skipped, daysFileProblem: state.problem)
        }
    }

    private func withLoaded<R>(_ body: (inout State) -> R) -> R {
        state.withLock { state in
            if !state.loaded {
                state.loaded = true
                if let file {
                    let (entries, problem) = file.load()
                    state.entries = entries
                    state.problem = problem
                }
            }
            return body(&state)
        }
    }

    /// For each day, a stable hash of `seed` and the hourly rollups (count and mean × count per field)
    /// of the hours that touch it, `margin` (at least an hour) either side: a point written late into
    /// the day, or just before or after it, changes the hash. `seed` holds what else the figures depend
    /// on (the rules, the fields), so a changed configuration or calculation computes the day again.
    static func fingerprints(
        store: any SampleStore, device: DeviceID, fields: [FieldID], days: [Range<Int64>], margin: Int64, seed: StableHasher
    ) async throws -> [UInt64] {
        guard let first = days.first?.lowerBound, let last = days.last?.upperBound else { return [] }
        let margin = max(margin, 3_600_000)
        var hashers = days.map { _ in seed }
        for field in fields {
            let buckets = try await store.aggregates(
                SeriesKey(device: device, field: field), from: Date(storageMilliseconds: first - margin), to: Date(storageMilliseconds: last + margin), step: .hour)
            var index = 0
            for bucket in buckets {
                let start = bucket.time.storageMilliseconds
                let end = start + 3_600_000
                // Days are in order: skip those that end before this bucket's reach.
                while index < days.count, days[index].upperBound + margin <= start { index += 1 }
                var day = index
                while day < days.count, days[day].lowerBound - margin < end {
                    hashers[day].combine(field.rawValue)
                    hashers[day].combine(start)
                    hashers[day].combine(bucket.count)
                    hashers[day].combine(bucket.mean * Double(bucket.count))
                    day += 1
                }
            }
        }
        return hashers.map(\.value)
    }
}

/// For `/stats`: what the energy accounting keeps and what it threw away.
public struct EnergyStatistics: Sendable, Hashable, Codable {
    /// Complete days of one device whose figures are kept (per slot layout: a day seen in a day view
    /// and in a month view counts twice).
    public var keptDeviceDays: Int
    /// Counter steps skipped as jumps, spikes or glitches in those days (each logged nowhere else: the
    /// rules run on every read, so this count is the record).
    public var skippedCounterSteps: Int
    /// Why `energy-days.json` could not be read or written; nil when it is fine or not used.
    public var daysFileProblem: String?

    public init(keptDeviceDays: Int, skippedCounterSteps: Int, daysFileProblem: String? = nil) {
        self.keptDeviceDays = keptDeviceDays
        self.skippedCounterSteps = skippedCounterSteps
        self.daysFileProblem = daysFileProblem
    }
}
