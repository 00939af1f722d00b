import Foundation
import HeliographApp
import HeliographCore
import HeliographFleet
import HeliographMQTT
import HeliographTesting
import Logging
import Testing

/// `heliograph run` with `ingest: mqtt`, built by the app's composition root: what an edge node
/// publishes ends up in the central node's store, and the edge's device is registered there.
@Suite("Daemon with ingest: mqtt", .timeLimit(.minutes(3)))
struct DaemonIngestTests {
    @Test(.enabled(if: Mosquitto.isUsable))
    func ingestNodeStoresWhatTheEdgePublishes() async throws {
        // The process-wide broker (scripts/test.sh's when HELIOGRAPH_TEST_MQTT is set): no other test
        // on it uses the fleet topics, and the client ids are this test's own.
        let broker = try await Mosquitto.shared()
        let directory = try makeTemporaryDirectory("daemon-ingest")
        defer { try? FileManager.default.removeItem(at: directory) }
        let yaml = """
            storage:
              path: \(directory.appendingPathComponent("central.sqlite").path)
            ingest: mqtt
            fleet:
              group: central
            mqtt:
              host: 127.0.0.1
              port: \(broker.port)
              client_id: central-\(UUID().uuidString.prefix(6))
              discovery: false
              per_field_topics: false
              outbox_directory: \(directory.appendingPathComponent("outbox").path)
            """
        let (parsed, problems) = HeliographConfiguration.parse(yaml: yaml)
        #expect(problems.isEmpty, "\(problems)")
        let configuration = try #require(parsed)
        let logger = Logger(label: "test.daemon-ingest")
        let daemon = try await buildDaemon(configuration: configuration, logger: logger)
        let device: DeviceID = "edge-inverter"
        let descriptor = DeviceDescriptor(kind: "pi30", id: device, manufacturer: "Voltronic", model: "Axpert", fields: [.measurement("battery_voltage_v", "Battery voltage", .volt)])
        let edge = MQTTClient(configuration: .init(host: "127.0.0.1", port: broker.port, clientID: "edge-\(UUID().uuidString.prefix(6))"), logger: logger)
        let publisher = FleetPublisher(publisher: edge, devices: [descriptor], logger: logger)
        let start = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down) - 600)
        let samples = (0..<50).map { Sample(device: device, time: start.addingTimeInterval(Double($0) * 10), values: ["battery_voltage_v": .number(48 + Double($0) / 10)]) }
        let key = SeriesKey(device: device, field: "battery_voltage_v")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await daemon.group.run() }
            group.addTask { try await edge.run() }
            defer { group.cancelAll() }
            // Until the ingest node has subscribed, published messages reach nobody; the same samples are
            // published again until they arrive (storing a point twice keeps one).
            try await eventually(timeout: .seconds(60), "the ingest node stores the edge's samples") {
                try await publisher.write(samples)
                try await Task.sleep(for: .milliseconds(200))
                return try await daemon.store.points(key, from: start, to: start.addingTimeInterval(1_000)).count == samples.count
            }
            let points = try await daemon.store.points(key, from: start, to: start.addingTimeInterval(1_000))
            #expect(points.map(\.value) == samples.map { $0.number("battery_voltage_v")! })
            try await eventually(timeout: .seconds(20), "the edge's device is registered centrally") {
                try await daemon.store.devices().map(\.descriptor) == [descriptor]
            }
        }
    }
}
