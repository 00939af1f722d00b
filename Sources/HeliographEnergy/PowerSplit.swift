import HeliographStorageBase

/// One sign of a signed power series (grid: import +, export −; battery: charge +, discharge −), so
/// each sign integrates to its own flow. Where the power crosses zero between two readings, a reading
/// of 0 is inserted at the linearly interpolated crossing, so the trapezoids of both parts add up to
/// the net energy exactly.
enum PowerSplit {
    static func part(_ points: [StoredPoint], _ part: EnergyFieldCatalogue.PowerPart) -> [StoredPoint] {
        switch part {
        case .whole: return points.map { StoredPoint(time: $0.time, value: max(0, $0.value)) }
        case .positive: return withZeroCrossings(points).map { StoredPoint(time: $0.time, value: max(0, $0.value)) }
        case .negative: return withZeroCrossings(points).map { StoredPoint(time: $0.time, value: max(0, -$0.value)) }
        }
    }

    static func withZeroCrossings(_ points: [StoredPoint]) -> [StoredPoint] {
        var result: [StoredPoint] = []
        result.reserveCapacity(points.count)
        var previous: StoredPoint?
        for point in points where point.value.isFinite {
            if let previous, (previous.value < 0 && point.value > 0) || (previous.value > 0 && point.value < 0) {
                let fraction = previous.value / (previous.value - point.value)
                let crossing = previous.time + Int64((Double(point.time - previous.time) * fraction).rounded())
                if crossing > previous.time, crossing < point.time { result.append(StoredPoint(time: crossing, value: 0)) }
            }
            result.append(point)
            previous = point
        }
        return result
    }
}
