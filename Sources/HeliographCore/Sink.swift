/// Something that receives validated samples: a store, an MQTT publisher, the live feed.
///
/// Each sink runs behind its own bounded buffer (`SinkRunner`), so a slow `write` delays only
/// this sink and never polling.
public protocol SampleSink: Sendable {
    /// Short stable name for logs and metrics (`sqlite`, `mqtt`, `influxdb`).
    var name: String { get }

    /// Learns what a device is (kind, model, fields with units and precision). Descriptors travel
    /// with the samples: the sink is handed a device's descriptor before the samples that follow its
    /// description, and again when the device is described anew. Sinks that need no descriptors
    /// leave this out (the default does nothing).
    func describe(_ device: DeviceDescriptor) async

    /// Writes a batch in order. Throwing makes the runner retry later; it must not half-apply.
    func write(_ samples: [Sample]) async throws
}

extension SampleSink {
    public func describe(_ device: DeviceDescriptor) async {}
}
