import Foundation
import HeliographCore
import HeliographStorageBase

/// Descriptors and point series with answers that can be worked out by hand.
enum EnergyTestData {
    /// 2026-01-15 00:00 UTC.
    static let day: Int64 = 1_768_435_200_000
    static let hour: Int64 = 3_600_000
    static let utc = TimeZone(identifier: "UTC")!

    static func device(_ id: String = "inv", kind: String = "deye-hybrid", fields: [FieldDescriptor], parent: DeviceID? = nil) -> DeviceDescriptor {
        DeviceDescriptor(kind: kind, id: DeviceID(id), manufacturer: "Test", model: "T", fields: fields, parent: parent)
    }

    static func counter(_ id: FieldID, resetsDaily: Bool = false) -> FieldDescriptor {
        .energy(id, id.rawValue, resetsDaily: resetsDaily)
    }

    /// `watts(hours)` sampled every `every` seconds over `from..<to` hours after `start`, with the end reading included.
    static func power(from: Double, to: Double, every seconds: Int64 = 60, start: Int64 = day, _ watts: (Double) -> Double) -> [StoredPoint] {
        var points: [StoredPoint] = []
        var time = start + Int64(from * Double(hour))
        let end = start + Int64(to * Double(hour))
        while time <= end {
            points.append(StoredPoint(time: time, value: watts(Double(time - start) / Double(hour))))
            time += seconds * 1_000
        }
        return points
    }

    static func at(_ hours: Double, _ value: Double, start: Int64 = day) -> StoredPoint {
        StoredPoint(time: start + Int64(hours * Double(hour)), value: value)
    }
}

extension Double {
    func isClose(to other: Double, within tolerance: Double = 1e-6) -> Bool { abs(self - other) <= tolerance }
}
