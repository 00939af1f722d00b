import Foundation
import HeliographDevices
import HeliographTesting
import Testing

/// Drill: the real daemon publishes each sample's state with QoS 1 (through its disk outbox) to a
/// real mosquitto, which is stopped for `HELIOGRAPH_DRILL_OUTAGE_SECONDS` (15 s by default, 600 for
/// the full drill) and started again. An independent subscriber (paho, persistent session, QoS 1)
/// must then have every sample the daemon polled, the outage's included, in order; and the daemon
/// must be back on the broker quickly however long the outage was (reconnect back-off is capped).
@Suite("Drill: MQTT broker away", .serialized, .enabled(if: Mosquitto.isUsable && Paho.isUsable, "needs mosquitto and paho-mqtt (scripts/test-deps.d/mqtt.sh)"))
struct BrokerOutageDrillTests {
    static var outage: Duration {
        .seconds(ProcessInfo.processInfo.environment["HELIOGRAPH_DRILL_OUTAGE_SECONDS"].flatMap { Int($0) } ?? 15)
    }

    @Test("mosquitto stopped for the outage: every sample polled meanwhile reaches paho, in order, soon after the restart")
    func brokerAway() async throws {
        let outage = Self.outage
        try await withTestResources(timeout: outage + .seconds(240)) { resources in
            // A private broker: the drill stops it and starts it again.
            let broker = try await Mosquitto.start(.init(persistence: true), in: resources)
            // A persistent session: the broker keeps paho's subscription and queue across its restart.
            let paho = try Paho.Subscriber.start(in: resources, port: broker.port, filter: "heliograph/inverter1/state", clientID: "paho-drill", cleanSession: false)
            let log = MessageLog(paho.messages())
            try await log.first("paho subscribed") { $0.payload == "SUBSCRIBED" }

            let directory = try makeTemporaryDirectory("drill-broker")
            resources.onCleanup { try? FileManager.default.removeItem(at: directory) }
            let simulator = try DeyeSimulator(configuration: .init(inverterSerial: "2306013013"))
            let simulatorTask = Task { try await simulator.run() }
            resources.onCleanup {
                simulatorTask.cancel()
                _ = await simulatorTask.result
            }
            let simulatorPort = await simulator.listeningPort()
            let config = directory.appendingPathComponent("heliograph.yaml")
            try """
                site: { time_zone: UTC }
                logging: { level: trace, format: json }
                metrics: { enabled: false }
                http: { enabled: false }
                storage: { path: \(directory.appendingPathComponent("history.sqlite").path) }
                devices:
                  inverter1: { type: deye, host: 127.0.0.1, port: \(simulatorPort), interval: 1s, timeout: 5s }
                mqtt:
                  host: 127.0.0.1
                  port: \(broker.port)
                  client_id: heliograph-drill
                  keep_alive: 5s
                  per_field_topics: false
                  qos: 1
                """.write(to: config, atomically: true, encoding: .utf8)
            let daemon = try HeliographProcess(["run", "--config", config.path])
            resources.onCleanup { daemon.signal(SIGKILL) }

            try await eventually(timeout: .seconds(60), "paho receives the daemon's state") {
                guard daemon.isRunning else { throw TestFailure("the daemon exited: \(daemon.stderr)") }
                return log.all.filter { $0.topic == "heliograph/inverter1/state" }.count >= 3
            }

            try await broker.stop()
            let stoppedAt = Date()
            let polledAtStop = DaemonTrace(daemon.stderr).polledCount
            try await Task.sleep(for: outage)
            let duringOutage = DaemonTrace(daemon.stderr).polledCount - polledAtStop
            #expect(duringOutage >= Int(outage / .seconds(1)) / 2, "polling went on: \(duringOutage) polls in \(outage)")
            #expect(daemon.isRunning)

            let clock = ContinuousClock()
            try await broker.launch()
            let restarted = clock.now
            // The first sample polled during the outage arrives: the daemon reconnected and drains its outbox.
            try await log.first(timeout: .seconds(120), "a sample polled during the outage arrives") {
                (Self.seconds($0.payload) ?? 0) > stoppedAt.timeIntervalSince1970 + 1
            }
            let reconnected = clock.now - restarted
            // Every sample polled so far has arrived.
            let polledBeforeCheck = DaemonTrace(daemon.stderr).polledTimes["inverter1"] ?? []
            let lastPolled = try #require(polledBeforeCheck.last)
            try await eventually(timeout: .seconds(120), "every sample polled so far reaches paho") {
                log.all.contains { Self.seconds($0.payload).map { Int64($0) >= lastPolled / 1_000 } ?? false }
            }
            let drained = clock.now - restarted
            try await daemon.terminate()
                #expect(DaemonTrace(daemon.stderr).messages("Stopped").count == 1, "a clean stop after SIGTERM")

            // What paho got, first occurrences (QoS 1 may redeliver after a reconnect), against what the
            // daemon polled, both at the state payload's one-second resolution.
            let polled = (DaemonTrace(daemon.stderr).polledTimes["inverter1"] ?? []).map { $0 / 1_000 }.filter { $0 <= lastPolled / 1_000 }
            let received = log.all.filter { $0.topic == "heliograph/inverter1/state" }.compactMap { Self.seconds($0.payload).map(Int64.init) }
                .filter { $0 <= lastPolled / 1_000 }
            #expect(Self.firstOccurrences(received) == Self.firstOccurrences(polled), "received \(Set(received).count) of \(Set(polled).count) samples in order")
            // Capped back-off: the daemon retries at least every 10 s (±20 %), so it is back within
            // that after the broker, however long the outage.
            #expect(reconnected < .seconds(20), "back on the broker \(reconnected) after its restart")
            print("broker drill: outage \(outage), \(duringOutage) polls during it, first outage sample delivered \(reconnected) and backlog \(drained) after the restart, \(Set(polled).count) samples delivered in order")
        }
    }

    /// The `time` of a state payload, in seconds since 1970.
    static func seconds(_ payload: String) -> Double? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any], let time = object["time"] as? String else { return nil }
        return ISO8601DateFormatter().date(from: time)?.timeIntervalSince1970
    }

    static func firstOccurrences(_ values: [Int64]) -> [Int64] {
        var seen = Set<Int64>()
        return values.filter { seen.insert($0).inserted }
    }
}
