/// Prometheus names and HELP texts for the swift-metrics instruments the daemon creates.
///
/// swift-metrics labels use dots (`heliograph.poll.total`) and carry no help text; Prometheus wants
/// snake_case, `_total` on counters, `_seconds` on durations, and a HELP line per family (promtool
/// lints for all three). Labels not listed here are still exported, under a derived name.
public enum MetricCatalogue {
    public struct Entry: Sendable, Hashable {
        public var name: String
        public var help: String
    }

    public enum Instrument: Sendable {
        case counter, gauge, histogram, timer
    }

    static let known: [String: Entry] = [
        "heliograph.poll.total": Entry(name: "heliograph_polls_total", help: "Polls attempted, by device"),
        "heliograph.poll.failures": Entry(name: "heliograph_poll_errors_total", help: "Polls that failed (timeout, transport or protocol error), by device"),
        "heliograph.poll.success": Entry(name: "heliograph_poll_success", help: "1 when the last poll of the device succeeded, 0 when it failed"),
        "heliograph.poll.duration": Entry(name: "heliograph_poll_duration_seconds", help: "Time one successful poll took, by device"),
        "heliograph.samples.discarded": Entry(
            name: "heliograph_samples_discarded_total",
            help: "Values or samples the validator rejected, by device and reason"
        ),
        "heliograph.sink.written": Entry(name: "heliograph_sink_written_samples_total", help: "Samples a sink wrote, by sink"),
        "heliograph.sink.dropped": Entry(name: "heliograph_sink_dropped_samples_total", help: "Samples a sink dropped because its buffer was full, by sink"),
        "heliograph.sink.write_errors": Entry(name: "heliograph_sink_write_errors_total", help: "Failed sink writes (retried), by sink"),
        "heliograph.store.query.duration": Entry(name: "heliograph_store_query_duration_seconds", help: "Time a history query to the store took, by operation"),
        "heliograph.mqtt.published": Entry(name: "heliograph_mqtt_published_messages_total", help: "MQTT messages handed to the broker"),
        "heliograph.mqtt.dropped": Entry(name: "heliograph_mqtt_dropped_messages_total", help: "Outgoing MQTT messages dropped (QoS 0 while disconnected, or the outbox full)"),
        "heliograph.mqtt.received": Entry(name: "heliograph_mqtt_received_messages_total", help: "MQTT messages received on subscriptions"),
        "heliograph.mqtt.inbound_dropped": Entry(name: "heliograph_mqtt_inbound_dropped_messages_total", help: "Received MQTT messages dropped because a subscriber lagged"),
        "heliograph.mqtt.oversized_discarded": Entry(
            name: "heliograph_mqtt_oversized_discarded_messages_total", help: "Received MQTT messages over the packet size limit, skipped (the connection stays up)"),
        "heliograph.mqtt.reconnects": Entry(name: "heliograph_mqtt_reconnects_total", help: "Connections to the MQTT broker after the first"),
        "heliograph.influxdb.points": Entry(name: "heliograph_influxdb_points_total", help: "Points accepted by InfluxDB"),
        "heliograph.influxdb.requests": Entry(name: "heliograph_influxdb_requests_total", help: "Write requests sent to InfluxDB, by result"),
        "heliograph.influxdb.spooled_batches": Entry(name: "heliograph_influxdb_spooled_batches", help: "Batches waiting in the InfluxDB spool"),
        "heliograph.influxdb.dropped": Entry(name: "heliograph_influxdb_dropped_batches_total", help: "Batches dropped: spool full or rejected by InfluxDB as malformed"),
    ]

    /// The Prometheus name and help for a swift-metrics label; `components` are the instruments other
    /// modules declare (a device family's driver metrics), looked up after the daemon's own.
    public static func entry(for label: String, instrument: Instrument, components: [String: Entry] = [:]) -> Entry {
        if let entry = known[label] ?? components[label] { return entry }
        var name = MetricName.sanitize(label).lowercased()
        switch instrument {
        case .counter where !name.hasSuffix("_total"): name += "_total"
        case .timer where !name.hasSuffix("_seconds"): name += "_seconds"
        default: break
        }
        return Entry(name: name, help: "swift-metrics \(label)")
    }
}
