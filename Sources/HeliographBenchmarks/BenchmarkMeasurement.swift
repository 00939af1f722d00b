import Foundation
/// The outcome of one `heliograph bench ...` run, printed as a table row and as JSON for the README.
public struct BenchmarkMeasurement: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What was measured, e.g. `pi30.decode.QPIGS`.
    public var name: String
    /// How many operations ran.
    public var operations: Int
    public var seconds: Double
    /// Extra figures (bytes per point, peak resident MB) by name.
    public var extra: [String: Double]

    public init(name: String, operations: Int, seconds: Double, extra: [String: Double] = [:]) {
        self.name = name
        self.operations = operations
        self.seconds = seconds
        self.extra = extra
    }

    public var operationsPerSecond: Double { seconds > 0 ? Double(operations) / seconds : 0 }
    public var nanosecondsPerOperation: Double { operations > 0 ? seconds * 1e9 / Double(operations) : 0 }

    public var description: String {
        var line = "\(name): \(operations) ops in \(String(format: "%.3f", seconds)) s = "
        line += "\(Int(operationsPerSecond.rounded())) ops/s, \(String(format: "%.0f", nanosecondsPerOperation)) ns/op"
        for (key, value) in extra.sorted(by: { $0.key < $1.key }) { line += ", \(key)=\(String(format: "%.3f", value))" }
        return line
    }
}

extension BenchmarkMeasurement {
    /// Runs `body` `operations` times and measures wall time with a monotonic clock.
    public static func measure(_ name: String, operations: Int, _ body: () throws -> Void) rethrows -> BenchmarkMeasurement {
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<operations { try body() }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return BenchmarkMeasurement(name: name, operations: operations, seconds: seconds)
    }
}
