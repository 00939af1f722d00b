import Foundation
import HeliographCore
import HeliographFleet
import HeliographMQTT
import HeliographPipeline
import HeliographPostgres
import HeliographTesting
import Logging
import Synchronization
import Testing

@Suite("Fleet over MQTT into PostgreSQL", .timeLimit(.minutes(5)))
struct FleetIngestTests {
    @Test func sampleBatchMessagesRoundTripExactly() throws {
        let time = Date(timeIntervalSince1970: 1_764_300_000.123)
        let samples = [
            Sample(device: "inv-1", time: time, values: ["battery_voltage_v": 52.125, "mode": "Line", "grid_on": true, "pv_power_w": .number(.nan)]),
            Sample(device: "inv-1", time: time.addingTimeInterval(10), values: ["battery_voltage_v": -0.5, "mode": "true"]),
        ]
        let messages = SampleBatchMessage.messages(for: samples)
        #expect(messages.count == 1)
        let decoded = try SampleBatchMessage.decode(Array(try messages[0].encoded()), topicDevice: "inv-1")
        #expect(decoded.samples[0].values == ["battery_voltage_v": 52.125, "mode": "Line", "grid_on": true], "NaN left out, types kept")
        #expect(decoded.samples[1].values == ["battery_voltage_v": -0.5, "mode": .text("true")])
        #expect(decoded.samples.map(\.time) == samples.map(\.time))
        // 450 samples of one device become messages of at most 200.
        let many = (0..<450).map { Sample(device: "inv-2", time: time.addingTimeInterval(Double($0)), values: ["x_w": 1]) }
        #expect(SampleBatchMessage.messages(for: many).map(\.samples.count) == [200, 200, 50])
        for bad in ["", "{}", "[1,2]", #"{"v":2,"device":"a","samples":[]}"#, #"{"v":1,"device":"Bad Id","samples":[]}"#] {
            #expect(throws: HeliographError.self, "\(bad)") { try SampleBatchMessage.decode(Array(bad.utf8)) }
        }
        #expect(throws: HeliographError.self) { try SampleBatchMessage.decode(Array(try messages[0].encoded()), topicDevice: "other") }
        let topics = FleetTopics(base: "site/a")
        #expect(topics.deviceID(in: "site/a/inv-1/samples", kind: "samples") == "inv-1")
        #expect(topics.deviceID(in: "site/b/inv-1/samples", kind: "samples") == nil)
        #expect(topics.sharedSamplesFilter(group: "g") == "$share/g/site/a/+/samples")
    }

    /// An edge node publishes the samples of five devices; two ingest nodes share them through one
    /// shared subscription on a real mosquitto and write them to one real PostgreSQL database.
    @Test(.enabled(if: Mosquitto.isUsable && PostgresServer.isUsable))
    func twoIngestNodesShareTheStreamAndStoreEverySampleOnce() async throws {
        let server = try await PostgresServer.shared()
        // The process's shared broker, with topics and a share group of this test's own.
        let broker = try await Mosquitto.shared()
        let topics = FleetTopics(base: Mosquitto.uniqueTopicPrefix("fleet"))
        let schema = "fleet_\(UUID().uuidString.prefix(8).lowercased())"
        let logger = Logger(label: "test.fleet")
        let devices: [DeviceID] = (1...5).map { DeviceID("edge-inv-\($0)") }
        let descriptors = devices.map {
            DeviceDescriptor(kind: "pi30", id: $0, manufacturer: "Voltronic", model: "Axpert", fields: [.measurement("battery_voltage_v", "Battery voltage", .volt)])
        }
        let samplesPerDevice = 300
        let start = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down) - 7_200)

        let nodes = try (1...2).map { index in try IngestNode(index: index, brokerPort: broker.port, topics: topics, url: server.url(), schema: schema, logger: logger) }
        let edge = MQTTClient(configuration: .init(host: "127.0.0.1", port: broker.port, clientID: "edge-\(UUID().uuidString.prefix(6))"), logger: logger)
        let publisher = FleetPublisher(publisher: edge, topics: topics, devices: descriptors, logger: logger)

        try await withThrowingTaskGroup(of: Void.self) { group in
            for node in nodes { node.start(in: &group) }
            group.addTask { try await edge.run() }
            defer { group.cancelAll() }
            try await eventually(timeout: .seconds(20), "ingest nodes connected") { nodes.allSatisfy(\.isConnected) }
            // Subscribing while connected returns after the broker's SUBACK: no sample can be missed.
            for node in nodes { group.addTask { try await node.ingest.run() } }
            try await eventually(timeout: .seconds(20), "both ingest nodes subscribed") { nodes.allSatisfy(\.ingest.isSubscribed) }

            for round in stride(from: 0, to: samplesPerDevice, by: 20) {
                let batch = devices.flatMap { device in
                    (round..<round + 20).map { Sample(device: device, time: start.addingTimeInterval(Double($0) * 10), values: ["battery_voltage_v": .number(50 + Double($0) / 100), "mode": "Line"]) }
                }
                try await publisher.write(batch)
            }
            try await withTimeout(.seconds(30), "edge delivers its QoS 1 messages") { try await edge.waitUntilDelivered() }

            let expected = devices.count * samplesPerDevice
            try await eventually(timeout: .seconds(60), "every sample stored") {
                let rows = try await server.psql("SELECT count(*) FROM \(schema).point")
                return rows.output.trimmingCharacters(in: .whitespacesAndNewlines) == "\(expected)"
            }
            let delivered = nodes.map(\.delivered)
            #expect(delivered.reduce(0, +) == expected, "each message delivered to exactly one node: \(delivered)")
            #expect(delivered.allSatisfy { $0 > 0 }, "both nodes took part: \(delivered)")
            let texts = try await server.psql("SELECT count(*) FROM \(schema).text_latest WHERE value = 'Line'")
            #expect(texts.output.trimmingCharacters(in: .whitespacesAndNewlines) == "\(devices.count)")
            try await eventually(timeout: .seconds(20), "every device registered from its retained descriptor") {
                try await nodes[0].store.devices().map(\.descriptor.id) == devices.sorted()
            }
            let points = try await nodes[1].store.points(SeriesKey(device: devices[2], field: "battery_voltage_v"), from: start, to: start.addingTimeInterval(86_400))
            #expect(points.map(\.value) == (0..<samplesPerDevice).map { 50 + Double($0) / 100 })
        }
    }
}

/// One central node: its own MQTT connection, PostgreSQL store and sample bus, as `heliograph run`
/// with `ingest: mqtt` builds them.
final class IngestNode: Sendable {
    let store: PostgresStore
    let client: MQTTClient
    let bus: SampleBus
    let ingest: FleetIngest
    private let count = DeliveryCount()

    init(index: Int, brokerPort: Int, topics: FleetTopics, url: String, schema: String, logger: Logger) throws {
        var configuration = try PostgresStore.Configuration(url: url)
        configuration.schema = schema
        store = try PostgresStore(configuration: configuration, logger: logger)
        client = MQTTClient(configuration: .init(host: "127.0.0.1", port: brokerPort, clientID: "ingest-\(index)-\(UUID().uuidString.prefix(6))"), logger: logger)
        let bus = SampleBus(sinks: [store], logger: logger)
        self.bus = bus
        let count = self.count
        let store = self.store
        ingest = FleetIngest(subscriber: client, configuration: .init(topics: topics, group: "ingest-\(schema)"), logger: logger) { samples in
            count.add(samples.count)
            bus.publish(samples)
        } register: { descriptor in
            try await store.register(descriptor)
        }
    }

    var delivered: Int { count.value }
    var isConnected: Bool {
        if case .connected = client.connectionState { return true }
        return false
    }

    func start(in group: inout ThrowingTaskGroup<Void, any Error>) {
        group.addTask { try await self.store.run() }
        group.addTask { try await self.client.run() }
        group.addTask { try await self.bus.run() }
    }
}

/// Samples one node handed on.
final class DeliveryCount: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func add(_ amount: Int) { count.withLock { $0 += amount } }
}
