import Foundation
import HeliographCore

/// Writes history as CSV: one row per timestamp, one column per series (`time,inv1/pv_power_w,…`).
/// Aggregated series export their mean.
enum CSVExport {
    static func render(_ history: HistoryResource) -> String {
        var columns: [Double: [Int: Double]] = [:]
        for (index, series) in history.series.enumerated() {
            for point in series.points where point.count >= 2 {
                columns[point[0], default: [:]][index] = point[1]
            }
        }
        var lines = ["time," + history.series.map { escape("\($0.device)/\($0.field)") }.joined(separator: ",")]
        lines.reserveCapacity(columns.count + 1)
        for time in columns.keys.sorted() {
            let row = columns[time] ?? [:]
            let stamp = APIJSON.formatTime(Date(timeIntervalSince1970: time / 1_000))
            let cells = history.series.indices.map { row[$0].map(format) ?? "" }
            lines.append(([stamp] + cells).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Values arrive rounded to their field's resolution; this only writes them (and removes binary noise).
    static func format(_ value: Double) -> String {
        NumberFormat.text(value, decimals: nil)
    }

    /// Quotes a cell that holds a comma, quote or newline, and defuses spreadsheet formulas.
    static func escape(_ cell: String) -> String {
        var text = cell
        if let first = text.first, "=+-@".contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
