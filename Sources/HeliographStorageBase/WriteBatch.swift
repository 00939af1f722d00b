import HeliographCore

/// A batch of samples regrouped by series, deduplicated (the last value for a time wins) and sorted:
/// what both stores write in one transaction.
package struct WriteBatch: Sendable {
    package var points: [SeriesKey: [StoredPoint]] = [:]
    /// The newest text value per series; text fields keep only their latest value.
    package var texts: [SeriesKey: (time: Int64, value: String)] = [:]
    /// Oldest and newest sample time per device.
    package var seen: [DeviceID: ClosedRange<Int64>] = [:]
    /// Whether any value is NaN or ±∞ (which can empty a rollup bucket).
    package var hasNonFinite = false

    /// - Parameter rawCutoff: numeric points older than this (ms) are dropped (raw retention).
    package init(_ samples: [Sample], rawCutoff: Int64?) {
        var byTime: [SeriesKey: [Int64: Double]] = [:]
        for sample in samples {
            let time = sample.time.storageMilliseconds
            seen[sample.device] = seen[sample.device].map { min($0.lowerBound, time)...max($0.upperBound, time) } ?? time...time
            for (field, value) in sample.values {
                let key = SeriesKey(device: sample.device, field: field)
                if let number = value.numeric {
                    if let rawCutoff, time < rawCutoff { continue }
                    byTime[key, default: [:]][time] = number
                    if !number.isFinite { hasNonFinite = true }
                } else if let text = value.text, texts[key].map({ $0.time <= time }) ?? true {
                    texts[key] = (time, text)
                }
            }
        }
        for (key, values) in byTime {
            points[key] = values.map { StoredPoint(time: $0.key, value: $0.value) }.sorted { $0.time < $1.time }
        }
    }

    /// Every point time, for partition upkeep.
    package var times: [Int64] { points.values.flatMap { $0.map(\.time) } }
}
