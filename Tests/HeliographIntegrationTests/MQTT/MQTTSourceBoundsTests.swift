import Foundation
import HeliographCore
import HeliographDevices
import HeliographMQTT
import HeliographTesting
import Logging
import NIOCore
import Testing

/// What one MQTT sensor device may cost, fed message by message without a broker (issue 13, items 5 and 9).
@Suite("MQTT source bounds")
struct MQTTSourceBoundsTests {
    /// A JSON object with `count` numeric members, `<prefix>0000`: 2, `<prefix>0001`: 3, ... (JSON 0
    /// and 1 read as flags on Linux, so the values start at 2).
    static func flood(_ prefix: String, count: Int = 5_000) -> ByteBuffer {
        ByteBuffer(string: "{" + (0..<count).map { "\"\(prefix)\(String(10_000 + $0).dropFirst())\":\($0 + 2)" }.joined(separator: ",") + "}")
    }

    func makeDriver(logger: Logger, maximumFieldsPerMessage: Int = 200, maximumSeries: Int = 500) -> MQTTSourceDriver {
        let mapping = MQTTSensorMapping(filters: ["house/+"])
        // Never run: the test hands messages to `ingest` itself.
        let unusedClient = MQTTClient(configuration: testConfiguration(port: 1), logger: logger)
        return MQTTSourceDriver(
            descriptor: DeviceDescriptor(kind: "house", id: "house", name: "House", manufacturer: "MQTT", model: "Sensor topics", fields: []),
            subscriber: unusedClient,
            configuration: .init(filters: mapping.subscriptions, firstMessageWait: .zero, maximumFieldsPerMessage: maximumFieldsPerMessage, maximumSeries: maximumSeries),
            logger: logger
        ) { topic, payload in try mapping.decode(topic: topic, payload: payload) }
    }

    @Test("5 000 members make at most max_fields_per_message fields; max_series bounds the device; both counted and logged once")
    func capsBoundFieldsAndSeries() async throws {
        let log = LogCapture()
        let driver = makeDriver(logger: log.logger(label: "bounds"))
        driver.ingest(MQTTMessage(topic: "house/a", payload: Self.flood("m"), qos: .atLeastOnce, retain: false))
        let first = try #require(try await driver.poll(logger: log.logger(label: "poll")).first)
        #expect(first.values.count == 200)
        #expect(first.values["a_m0000"] == .number(2) && first.values["a_m0199"] == .number(201), "the first fields by id are kept")
        #expect(driver.statistics.overFieldsPerMessage == 4_800)

        for topic in ["house/b", "house/c", "house/d"] {
            driver.ingest(MQTTMessage(topic: topic, payload: Self.flood("m"), qos: .atLeastOnce, retain: false))
        }
        let values = try #require(try await driver.poll(logger: log.logger(label: "poll")).first).values
        #expect(values.count == 500, "200 from a, 200 from b, 100 from c, none from d")
        #expect(values["c_m0099"] != nil && values["c_m0100"] == nil && values.keys.allSatisfy { !$0.rawValue.hasPrefix("d_") })
        #expect(driver.discardedValues == [MQTTSourceDriver.fieldsPerMessageReason: 4 * 4_800, MQTTSourceDriver.seriesReason: 100 + 200])

        // Known fields keep updating at the cap.
        driver.ingest(MQTTMessage(topic: "house/a", payload: ByteBuffer(string: #"{"m0000": 42}"#), qos: .atLeastOnce, retain: false))
        #expect(try await driver.poll(logger: log.logger(label: "poll")).first?.values["a_m0000"] == .number(42))
        #expect(log.lines(containing: "max_fields_per_message").count == 1, "\(log.lines)")
        #expect(log.lines(containing: "max_series").count == 1, "\(log.lines)")
    }

    @Test("control bytes from a topic and payload are escaped in the log line")
    func controlBytesEscaped() throws {
        let log = LogCapture()
        let driver = makeDriver(logger: log.logger(label: "bounds"))
        driver.ingest(MQTTMessage(topic: "house/\u{1B}[31mred\u{7}", payload: ByteBuffer(string: "{\u{1B}[2J\n2026-01-01T00:00:00Z critical forged\u{9B}"), qos: .atLeastOnce, retain: false))
        let line = try #require(log.lines(containing: "cannot be read").first)
        let controls = line.unicodeScalars.filter { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
        #expect(controls.isEmpty, "no raw control characters: \(line.debugDescription)")
        #expect(line.contains(#"\u001b[31mred\u0007"#) && line.contains(#"\u001b[2J\n2026"#) && line.contains(#"\u009b"#), "\(line)")
    }
}
