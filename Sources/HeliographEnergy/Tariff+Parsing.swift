import HeliographConfigFile

extension Tariff {
    static let keys = ["currency", "import_price", "export_price", "windows"]
    static let windowKeys = ["name", "start", "end", "import_price", "export_price"]
    /// Prices per kWh accepted: negative export prices exist (paying to export at noon), beyond ±100 is a typo.
    static let priceRange = -100.0...100.0

    /// Reads the optional `tariff:` section; nil when absent. Problems carry their line numbers:
    /// a missing `import_price`, a time that is not `HH:MM`, an empty or overlapping window.
    public static func parse(_ section: ConfigurationSection) -> Tariff? {
        guard section.mapping != nil else { return nil }
        let currency = section.string("currency") ?? ""
        if currency.isEmpty || currency.count > 8 {
            section.problem("currency", "needs a currency code or symbol of 1 to 8 characters, e.g. GBP or €")
        }
        defer { section.reportUnknownKeys(allowed: keys) }
        let exportPrice = section.double("export_price", in: priceRange) ?? 0
        guard let importPrice = section.double("import_price", in: priceRange) else {
            if section.node("import_price") == nil { section.problem(nil, "needs import_price (per kWh), e.g. import_price: 0.25") }
            return nil
        }
        var tariff = Tariff(currency: currency, importPrice: importPrice, exportPrice: exportPrice)
        if let node = section.node("windows") {
            if let sequence = node.sequence {
                for (index, element) in sequence.enumerated() {
                    let window = ConfigurationSection(path: section.key("windows[\(index)]"), node: element, environment: [:], problems: section.problems)
                    guard let parsed = parseWindow(window, index: index) else { continue }
                    if let other = tariff.windows.first(where: { $0.overlaps(parsed) }) {
                        window.problem(nil, "overlaps window '\(other.name)'; a clock time may have one price only")
                    } else {
                        tariff.windows.append(parsed)
                    }
                }
            } else {
                section.problem("windows", "expected a list of windows, each with start, end and import_price or export_price", node: node)
            }
        }
        return tariff
    }

    static func parseWindow(_ section: ConfigurationSection, index: Int) -> Window? {
        defer { section.reportUnknownKeys(allowed: windowKeys) }
        let name = section.string("name") ?? "window \(index + 1)"
        let importPrice = section.double("import_price", in: priceRange)
        let exportPrice = section.double("export_price", in: priceRange)
        let start = clockMinutes(section, "start", allowMidnightEnd: false)
        let end = clockMinutes(section, "end", allowMidnightEnd: true)
        guard let start, let end else { return nil }
        if start == end % 1_440 {
            section.problem("end", "must differ from start (a window covering the whole day is the base price)")
            return nil
        }
        if importPrice == nil, exportPrice == nil, section.node("import_price") == nil, section.node("export_price") == nil {
            section.problem(nil, "needs import_price or export_price (or both)")
            return nil
        }
        return Window(name: name, start: start, end: end, importPrice: importPrice, exportPrice: exportPrice)
    }

    /// `HH:MM` as minutes after midnight; `24:00` only as an end.
    static func clockMinutes(_ section: ConfigurationSection, _ name: String, allowMidnightEnd: Bool) -> Int? {
        guard let text = section.string(name) else {
            section.problem(nil, "needs \(name) as HH:MM")
            return nil
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]),
            (0...59).contains(minutes), (0...23).contains(hours) || (allowMidnightEnd && hours == 24 && minutes == 0)
        else {
            section.problem(name, "must be a clock time HH:MM (00:00 to 23:59\(allowMidnightEnd ? ", or 24:00" : "")); got '\(text)'")
            return nil
        }
        return hours * 60 + minutes
    }
}

extension Tariff.Window {
    /// Whether some minute of the day lies in both windows.
    func overlaps(_ other: Tariff.Window) -> Bool {
        (0..<1_440).contains { contains(minute: $0) && other.contains(minute: $0) }
    }
}
