import HeliographCore

import struct Foundation.Date
import struct Foundation.TimeInterval

/// The newest value of every series, and when each device was last heard from; what rules read.
public struct Readings: Sendable {
    private var values: [SeriesKey: (time: Date, value: Double)] = [:]
    public private(set) var lastSeen: [DeviceID: Date] = [:]

    public init() {}

    /// Takes a sample's numeric values; a sample older than what is known does not replace it.
    public mutating func record(_ sample: Sample) {
        if let seen = lastSeen[sample.device], seen > sample.time { return }
        lastSeen[sample.device] = sample.time
        for (field, value) in sample.values {
            guard let number = value.numeric, number.isFinite else { continue }
            values[SeriesKey(device: sample.device, field: field)] = (sample.time, number)
        }
    }

    /// The value of a series if it is at most `maximumAge` old at `now`.
    public func value(_ key: SeriesKey, now: Date, maximumAge: TimeInterval) -> Double? {
        guard let reading = values[key], now.timeIntervalSince(reading.time) <= maximumAge else { return nil }
        return reading.value
    }
}
