import Foundation

/// Where the lifetime energy totals are kept across restarts: a small JSON file, replaced atomically
/// (written beside it, then renamed), so a crash mid-write leaves the previous totals.
public struct EnergyTotalsFile: Sendable {
    public let url: URL

    public init(url: URL) {
        self.url = url
    }

    /// The file next to the history database (`energy-totals.json` in its directory).
    public init(besideStorage path: String) {
        url = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("energy-totals.json")
    }

    /// The kept totals; empty when there is no file yet. A file that cannot be read as totals is
    /// renamed to `<name>.unreadable-<unix time>` (kept for the owner, never overwritten) and the totals
    /// start again from zero; `problem` says so.
    public func load(now: Date = Date()) -> (totals: EnergyTotals, problem: String?) {
        guard let data = try? Data(contentsOf: url) else { return (EnergyTotals(), nil) }
        if let totals = try? JSONDecoder().decode(EnergyTotals.self, from: data), totals.isPlausible { return (totals, nil) }
        let aside = url.appendingPathExtension("unreadable-\(Int(now.timeIntervalSince1970))")
        let moved = (try? FileManager.default.moveItem(at: url, to: aside)) != nil
        let whereNow = moved ? "moved to \(aside.path)" : "left in place (could not be moved)"
        return (EnergyTotals(), "energy totals in \(url.path) are not valid JSON totals; \(whereNow); counting starts again from zero")
    }

    /// Writes the totals (sorted keys, so the file diffs cleanly).
    public func save(_ totals: EnergyTotals) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try encoder.encode(totals).write(to: url, options: .atomic)
    }
}
