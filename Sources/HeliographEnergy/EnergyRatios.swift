/// How much of the site's consumption its own energy covered, and how much of its own production it used.
///
/// - self-sufficiency = 1 − grid_import / load (the share of consumption not bought from the grid)
/// - self-consumption = 1 − grid_export / pv (the share of production not sold to the grid)
///
/// Both are clamped to 0...1 (a battery charged from the grid can import more than the load used) and
/// nil when the flows they need are unknown or the denominator is 0.
public struct EnergyRatios: Sendable, Hashable, Codable {
    public var selfSufficiency: Double?
    public var selfConsumption: Double?

    public init(_ figures: EnergyFigures) {
        selfSufficiency = Self.ratio(figures.kilowattHours(.gridImport), of: figures.kilowattHours(.load))
        selfConsumption = Self.ratio(figures.kilowattHours(.gridExport), of: figures.kilowattHours(.pv))
    }

    private static func ratio(_ part: Double?, of whole: Double?) -> Double? {
        guard let part, let whole, whole > 0 else { return nil }
        return min(1, max(0, 1 - part / whole))
    }
}
