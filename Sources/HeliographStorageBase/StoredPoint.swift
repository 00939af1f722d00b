import Foundation
import HeliographCore

/// One stored point as both stores compute with it: milliseconds since 1970 and the exact double.
package struct StoredPoint: Sendable, Hashable {
    package var time: Int64
    package var value: Double

    package init(time: Int64, value: Double) {
        self.time = time
        self.value = value
    }

    /// The point as the store protocol hands it out.
    package var point: Point { Point(time: Date(storageMilliseconds: time), value: value) }

    /// Compares values by bit pattern so NaN payloads and negative zero count as distinct values.
    package static func == (lhs: StoredPoint, rhs: StoredPoint) -> Bool {
        lhs.time == rhs.time && lhs.value.bitPattern == rhs.value.bitPattern
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(time)
        hasher.combine(value.bitPattern)
    }
}
