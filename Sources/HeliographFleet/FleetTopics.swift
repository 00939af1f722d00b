import HeliographCore

/// The topics edge nodes publish their history on and central ingest nodes read it from.
///
/// - `<base>/<device>/samples`: every sample, lossless (`SampleBatchMessage`), QoS 1, not retained.
/// - `<base>/<device>/device`: the device's descriptor as JSON, retained, so an ingest node that starts
///   later still learns every device.
///
/// These sit beside the Home Assistant topics (`<base>/<device>/state`, one retained latest state), which
/// lose everything but the newest reading and so cannot feed a fleet database.
public struct FleetTopics: Sendable, Hashable {
    /// Root of the topics, the same `base` the MQTT section uses (default `heliograph`).
    public var base: String

    public init(base: String = "heliograph") {
        self.base = base
    }

    public func samples(_ device: DeviceID) -> String { "\(base)/\(device.rawValue)/samples" }
    public func device(_ device: DeviceID) -> String { "\(base)/\(device.rawValue)/device" }

    /// The shared subscription that spreads sample messages over every ingest node of `group`: the
    /// broker hands each message to exactly one of them.
    public func sharedSamplesFilter(group: String) -> String { "$share/\(group)/\(base)/+/samples" }
    /// Every device descriptor; not shared, since each ingest node registers every device (and brokers
    /// send retained messages to plain subscriptions only).
    public var devicesFilter: String { "\(base)/+/device" }

    /// The device a `<base>/<device>/<kind>` topic is about, when it has that shape.
    public func deviceID(in topic: String, kind: String) -> DeviceID? {
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
        let baseLevels = base.split(separator: "/", omittingEmptySubsequences: false)
        guard levels.count == baseLevels.count + 2, Array(levels.prefix(baseLevels.count)) == baseLevels, levels.last.map(String.init) == kind else { return nil }
        let id = DeviceID(String(levels[baseLevels.count]))
        return id.isValid ? id : nil
    }
}
