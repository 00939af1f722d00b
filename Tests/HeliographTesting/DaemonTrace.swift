import Foundation

/// What a daemon run with `logging: { level: trace, format: json }` said it did: the samples each
/// poll handed to the sinks ("Polled") and the batches each sink finished writing ("Sink wrote
/// batch"). The crash and outage drills compare this account with what the store or an
/// independent MQTT subscriber holds afterwards.
public struct DaemonTrace: Sendable {
    /// One line of the JSON log, as key → string value (the formatter writes every value as a string).
    public typealias Record = [String: String]

    public private(set) var records: [Record] = []

    /// Parses every complete JSON line of `log`; other lines (and a torn last line) are skipped.
    public init(_ log: String) {
        for line in log.split(separator: "\n") where line.hasPrefix("{") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
            records.append(object.compactMapValues { $0 as? String })
        }
    }

    /// Sample times (ms since 1970) the daemon polled and published to its sinks, per device, in order.
    public var polledTimes: [String: [Int64]] {
        var result: [String: [Int64]] = [:]
        for record in records where record["message"] == "Polled" {
            guard let device = record["device.id"], let times = record["sample.times_ms"] else { continue }
            let values = times.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).split(separator: ",").compactMap {
                Int64($0.trimmingCharacters(in: .whitespaces))
            }
            result[device, default: []] += values
        }
        return result
    }

    /// Samples polled, all devices together.
    public var polledCount: Int { polledTimes.values.reduce(0) { $0 + $1.count } }

    /// Samples the sink named `sink` (`sqlite`, `postgres`, `mqtt`) reported written.
    public func written(sink: String) -> Int {
        records.filter { $0["message"] == "Sink wrote batch" && $0["sink.name"] == sink }.reduce(0) { $0 + (Int($1["batch.samples"] ?? "") ?? 0) }
    }

    /// Records with this message, in order.
    public func messages(_ message: String) -> [Record] { records.filter { $0["message"] == message } }
}
