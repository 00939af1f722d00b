import Foundation
import HeliographCore
import HeliographStorageBase
import Synchronization

/// Per-device figures of complete local days, each with the fingerprint of the stored data it came from.
/// A year view then reads 24 hourly rollup rows per field and day instead of every point.
final class EnergyDayCache: Sendable {
    private struct Key: Hashable {
        var device: DeviceID
        var day: Int64
    }

    private struct Entry {
        var fingerprint: Int
        var figures: [EnergyFigures]
    }

    /// Kept days across devices: a few years of one site; the oldest entries go first beyond it.
    static let capacity = 20_000
    private let entries = Mutex<[Key: Entry]>([:])

    func figures(device: DeviceID, day: Int64, fingerprint: Int) -> [EnergyFigures]? {
        entries.withLock { entries in
            entries[Key(device: device, day: day)].flatMap { $0.fingerprint == fingerprint ? $0.figures : nil }
        }
    }

    /// How many device days are kept and how many counter steps were skipped in them.
    var statistics: EnergyStatistics {
        entries.withLock { entries in
            let skipped = entries.values.reduce(0) { total, entry in
                total + entry.figures.reduce(0) { $0 + $1.flows.values.reduce(0) { $0 + $1.skippedCounterSteps } }
            }
            return EnergyStatistics(keptDeviceDays: entries.count, skippedCounterSteps: skipped)
        }
    }

    func store(_ figures: [EnergyFigures], device: DeviceID, day: Int64, fingerprint: Int) {
        entries.withLock { entries in
            if entries.count >= Self.capacity, let oldest = entries.keys.min(by: { $0.day < $1.day }) { entries[oldest] = nil }
            entries[Key(device: device, day: day)] = Entry(fingerprint: fingerprint, figures: figures)
        }
    }

    /// For each day, a hash of the hourly rollups (count and mean × count per field) of the hours that
    /// touch it, `margin` (at least an hour) either side: a point written late into the day, or just
    /// before or after it, changes the hash.
    static func fingerprints(store: any SampleStore, device: DeviceID, fields: [FieldID], days: [Range<Int64>], margin: Int64) async throws -> [Int] {
        guard let first = days.first?.lowerBound, let last = days.last?.upperBound else { return [] }
        let margin = max(margin, 3_600_000)
        var hashers = days.map { _ in Hasher() }
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
                    hashers[day].combine(field)
                    hashers[day].combine(start)
                    hashers[day].combine(bucket.count)
                    hashers[day].combine((bucket.mean * Double(bucket.count)).bitPattern)
                    day += 1
                }
            }
        }
        return hashers.map { $0.finalize() }
    }
}

/// For `/stats`: what the energy accounting keeps and what it threw away.
public struct EnergyStatistics: Sendable, Hashable, Codable {
    /// Complete days of one device whose figures are kept.
    public var keptDeviceDays: Int
    /// Counter steps skipped as jumps, spikes or glitches in those days (each logged nowhere else: the
    /// rules run on every read, so this count is the record).
    public var skippedCounterSteps: Int
}
