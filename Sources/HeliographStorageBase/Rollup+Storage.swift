import HeliographCore

extension Rollup {
    /// The table holding this tier in both stores' schemas.
    package var tableName: String {
        switch self {
        case .minute: "rollup_1m"
        case .hour: "rollup_1h"
        case .day: "rollup_1d"
        }
    }

    package var milliseconds: Int64 { Int64(seconds * 1_000) }

    /// The next finer tier, whose buckets sum up to this one's.
    package var finer: Rollup? {
        switch self {
        case .minute: nil
        case .hour: .minute
        case .day: .hour
        }
    }

    /// The start of the bucket holding `time`, aligned to 1970.
    package func bucketStart(_ time: Int64) -> Int64 { StorageTime.floor(time, milliseconds) }
}
