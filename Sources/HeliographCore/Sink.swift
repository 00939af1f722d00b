/// Something that receives validated samples: a store, an MQTT publisher, the live feed.
///
/// Each sink runs behind its own bounded buffer (`SinkRunner`), so a slow `write` delays only
/// this sink and never polling.
public protocol SampleSink: Sendable {
    /// Short stable name for logs and metrics (`sqlite`, `mqtt`, `influxdb`).
    var name: String { get }

    /// Writes a batch in order. Throwing makes the runner retry later; it must not half-apply.
    func write(_ samples: [Sample]) async throws
}
