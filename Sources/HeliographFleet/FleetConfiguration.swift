import HeliographConfigFile

/// The fleet settings: `ingest: mqtt` makes this node a central ingest node, and `fleet:` tunes it
/// (and lets an edge node publish its samples losslessly for ingest nodes).
///
/// ```yaml
/// ingest: mqtt                  # read the samples edge nodes publish (needs mqtt:) into storage
/// fleet:
///   group: heliograph-ingest    # shared subscription group; every ingest node of a fleet uses the same
///   publish: true               # edge node: publish every sample on <topic_prefix>/<device>/samples
/// ```
public struct FleetConfiguration: Sendable, Hashable {
    public enum Ingest: String, Sendable, Hashable, CaseIterable {
        case none, mqtt
    }

    public var ingest: Ingest
    public var group: String
    public var publish: Bool

    public init(ingest: Ingest = .none, group: String = "heliograph-ingest", publish: Bool = false) {
        self.ingest = ingest
        self.group = group
        self.publish = publish
    }

    /// Reads `ingest:` from the file's top level and the `fleet:` section; `hasMQTT` tells whether
    /// an `mqtt:` section exists, which both need.
    public static func parse(file: ConfigurationSection, hasMQTT: Bool) -> FleetConfiguration {
        var fleet = FleetConfiguration()
        if let ingest = file.string("ingest", oneOf: Ingest.allCases.map(\.rawValue)) {
            fleet.ingest = Ingest(rawValue: ingest) ?? .none
        }
        let section = file.section("fleet")
        if let group = section.string("group") {
            if group.isEmpty || group.contains("/") || group.contains("+") || group.contains("#") {
                section.problem("group", "must be a non-empty name without '/', '+' or '#'")
            } else {
                fleet.group = group
            }
        }
        fleet.publish = section.bool("publish") ?? false
        section.reportUnknownKeys(allowed: ["group", "publish"])
        if fleet.ingest == .mqtt && !hasMQTT { file.problem("ingest", "ingest: mqtt needs the mqtt: section (the broker to read from)") }
        if fleet.publish && !hasMQTT { section.problem("publish", "fleet.publish needs the mqtt: section (the broker to publish to)") }
        if fleet.publish && fleet.ingest == .mqtt {
            section.problem("publish", "an ingest node must not publish what it ingests (it would read its own messages back)")
        }
        return fleet
    }
}
