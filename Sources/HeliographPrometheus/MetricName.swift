import HeliographCore
import Prometheus

/// Prometheus metric names: `[a-zA-Z_:][a-zA-Z0-9_:]*`, snake_case, base unit as suffix, counters
/// ending in `_total`. Field ids already follow the snake_case-plus-unit scheme (`battery_soc_pct`),
/// so a field's family is `heliograph_` + its id, sanitised, with the unit added when an id lacks it.
public enum MetricName {
    public static let prefix = "heliograph_"

    /// Replaces every character outside `[a-zA-Z0-9_]` with `_`, folds runs of `_`, trims them from
    /// the end, and puts `_` before a leading digit.
    public static func sanitize(_ raw: String) -> String {
        var result = ""
        result.reserveCapacity(raw.utf8.count)
        var lastWasUnderscore = false
        for scalar in raw.unicodeScalars {
            let allowed = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            if allowed {
                if result.isEmpty, ("0"..."9").contains(scalar) { result.append("_") }
                result.unicodeScalars.append(scalar)
                lastWasUnderscore = false
            } else if !lastWasUnderscore && !result.isEmpty {
                result.append("_")
                lastWasUnderscore = true
            }
        }
        while result.hasSuffix("_") { result.removeLast() }
        return result.isEmpty ? "_" : result
    }

    /// A label value needs no sanitising (the exposition escapes it); a label *name* does.
    public static func labelName(_ raw: String) -> String {
        let name = sanitize(raw)
        // Names starting with `__` are reserved for Prometheus itself.
        return name.hasPrefix("__") ? "x" + name : name
    }

    /// The gauge family of a numeric or flag field: `heliograph_battery_soc_pct`.
    /// Text fields become `…_info` families whose value label carries the text.
    public static func family(of field: FieldDescriptor) -> String {
        var name = prefix + sanitize(field.id.rawValue).lowercased()
        // promtool rejects abbreviated units; seconds are the one base unit our ids abbreviate.
        if name.hasSuffix("_s") { name += "econds" }
        let suffix = unitSuffix(field.unit)
        if !suffix.isEmpty, !name.hasSuffix("_" + suffix) { name += "_" + suffix }
        if field.kind == .text { name += "_info" }
        return name
    }

    /// The suffix the project's field ids use for each unit (`_v`, `_pct`, `_kwh` …).
    public static func unitSuffix(_ unit: FieldDescriptor.Unit) -> String {
        switch unit {
        case .volt: "v"
        case .ampere: "a"
        case .watt: "w"
        case .kilowatt: "kw"
        case .voltAmpere: "va"
        case .voltAmpereReactive: "var"
        case .hertz: "hz"
        case .percent: "pct"
        case .celsius: "c"
        case .wattHour: "wh"
        case .kilowattHour: "kwh"
        case .ampereHour: "ah"
        case .second: "seconds"
        case .hectopascal: "hpa"
        case .millimetre: "mm"
        case .kilometrePerHour: "kmh"
        case .degree: "deg"
        case .wattPerSquareMetre: "w_m2"
        case .none: ""
        }
    }

    /// The HELP text of a field family: its name and unit, e.g. `Battery state of charge (%)`.
    public static func help(of field: FieldDescriptor) -> String {
        let unit = field.unit == .none ? "" : " (\(field.unit.rawValue))"
        switch field.kind {
        case .number: return "\(field.name)\(unit), last reading"
        case .flag: return "\(field.name): 1 on, 0 off, last reading"
        case .text: return "\(field.name): always 1, the text is in the value label"
        }
    }
}

extension MetricNameDescriptor {
    /// A descriptor for a name already complete (prefix, unit and all), with its HELP text.
    static func named(_ name: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}
