import Foundation
import HeliographCore
import HeliographInfluxDB

/// `heliograph bench influxdb`: line protocol encoding and gzip batching, as the sink does them.
public enum InfluxDBBenchmark {
    /// One operation is one 25-field sample encoded as a line; the batch figure is per 500-sample batch.
    public static func run(samples: Int) throws -> [BenchmarkMeasurement] {
        let count = max(1, samples)
        let descriptor = DeviceDescriptor(kind: "deye-hybrid", id: "inverter", manufacturer: "Deye", model: "SUN-8K-SG04LP3", fields: [])
        let protocol_ = LineProtocol(staticTags: ["site": "home"])
        let start = Date(timeIntervalSince1970: 1_732_880_000)
        let inputs: [Sample] = (0..<min(count, 10_000)).map { index in
            var values: [FieldID: FieldValue] = [:]
            for field in 0..<22 { values[FieldID("field\(field)_power_w")] = .number(Double(index % 977) * 1.37 + Double(field)) }
            values["charging"] = .flag(index % 2 == 0)
            values["grid_connected"] = .flag(true)
            values["operating_mode"] = .text(index % 10 == 0 ? "Battery" : "Line")
            return Sample(device: "inverter", time: start.addingTimeInterval(Double(index) * 10), values: values)
        }
        var bytes = 0
        var next = 0
        var encode = BenchmarkMeasurement.measure("influxdb.encode.line_25_fields", operations: count) {
            bytes &+= protocol_.line(for: inputs[next % inputs.count], descriptor: descriptor)?.utf8.count ?? 0
            next &+= 1
        }
        encode.extra["bytes_per_line"] = Double(bytes) / Double(count)

        let lines = inputs.prefix(500).compactMap { protocol_.line(for: $0, descriptor: descriptor) }
        let plain = lines.reduce(0) { $0 + $1.utf8.count + 1 }
        var compressedSize = 0
        let batches = max(1, count / 500)
        var gzip = try BenchmarkMeasurement.measure("influxdb.gzip.batch_500", operations: batches) {
            compressedSize = try InfluxDBSink.body(lines[...], compress: true).count
        }
        gzip.extra["bytes_plain"] = Double(plain)
        gzip.extra["bytes_gzip"] = Double(compressedSize)
        gzip.extra["ratio"] = Double(plain) / Double(max(1, compressedSize))
        gzip.extra["points_per_second"] = gzip.operationsPerSecond * 500
        return [encode, gzip]
    }
}
