import struct Foundation.Date
import struct Foundation.TimeInterval

/// The newest value of every field of one device, each with the time it was read.
///
/// Fields of one device are not all read together: a value the validator dropped, a query that
/// failed or a setting read once a minute leaves an older value behind. Merging them into one
/// `Sample` under the newest time would present the old value as fresh, so readers that show
/// "now" (the API, the live feed's first message) keep every field's own time.
public struct LatestReadings: Sendable, Hashable {
    /// One field's newest value and when it was read.
    public struct Reading: Sendable, Hashable {
        public var value: FieldValue
        public var time: Date

        public init(value: FieldValue, time: Date) {
            self.value = value
            self.time = time
        }
    }

    public var device: DeviceID
    public var fields: [FieldID: Reading]

    /// Nil when there are no fields: a device with no readings has no latest sample.
    public init?(device: DeviceID, fields: [FieldID: Reading]) {
        guard !fields.isEmpty else { return nil }
        self.device = device
        self.fields = fields
    }

    /// The time of the newest reading.
    public var time: Date { fields.values.map(\.time).max() ?? .distantPast }

    /// Every field's newest value under the newest time (what `SampleStore.latest(device:)` returns).
    public var sample: Sample {
        Sample(device: device, time: time, values: fields.mapValues(\.value))
    }

    /// Fields read before the newest reading, with how much older they are (seconds).
    public var staleness: [FieldID: TimeInterval] {
        let newest = time
        return fields.compactMapValues { reading in
            let age = newest.timeIntervalSince(reading.time)
            return age > 0 ? age : nil
        }
    }

    /// Records a reading unless the field already has a newer one (late writes never replace newer values).
    public static func merging(_ samples: some Sequence<Sample>, device: DeviceID) -> LatestReadings? {
        var fields: [FieldID: Reading] = [:]
        for sample in samples where sample.device == device {
            for (field, value) in sample.values where (fields[field]?.time ?? .distantPast) <= sample.time {
                fields[field] = Reading(value: value, time: sample.time)
            }
        }
        return LatestReadings(device: device, fields: fields)
    }
}
