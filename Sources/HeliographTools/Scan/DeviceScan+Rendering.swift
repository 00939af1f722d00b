import HeliographDevices

extension DeviceScan.Report {
    /// True when at least one device can go into a configuration.
    public var foundDevices: Bool { !configurationEntries.isEmpty }

    /// One entry under `devices:` per device a family found worth configuring.
    var configurationEntries: [ScanEntry] { findings.flatMap(\.configurationEntries) }

    /// A `devices:` section that `heliograph config check` accepts, or nil when nothing was found.
    public var configurationSnippet: String? {
        let entries = configurationEntries
        guard !entries.isEmpty else { return nil }
        var text = "devices:\n"
        for entry in entries {
            text += "  \(entry.id):\n"
            for line in entry.lines { text += "    \(line)\n" }
        }
        return text
    }

    /// The human listing: what each family saw, what answered, and hints for what did not.
    public var listing: String {
        findings.flatMap(\.listing).joined(separator: "\n")
    }
}
