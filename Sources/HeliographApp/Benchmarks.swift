import HeliographCore

import class Foundation.JSONEncoder

/// The benchmark suites `heliograph bench` runs. Each engineer's benchmark function is called from here.
public enum Benchmarks {
    /// Suite names, in the order `all` runs them.
    public static let suites = ["pi30", "storage"]

    /// Runs one suite; `scale` multiplies the default iteration counts.
    public static func run(_ suite: String, scale: Double = 1) async throws -> [BenchmarkMeasurement] {
        switch suite {
        default:
            throw HeliographError(.invalidRequest, "benchmark '\(suite)' is not in this build yet")
        }
    }

    /// One measurement as a JSON line.
    public static func json(_ measurement: BenchmarkMeasurement) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(measurement) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
