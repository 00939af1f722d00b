import Foundation
import HeliographCore
import HeliographMQTT
import HeliographMQTTCodec
import HeliographTesting
import Logging
import NIOCore
import ServiceLifecycle
import Testing

/// A test configuration for a broker on 127.0.0.1 with fast reconnects.
func testConfiguration(port: Int, clientID: String = "heliograph-\(UInt32.random(in: 0...UInt32.max))") -> MQTTClient.Configuration {
    MQTTClient.Configuration(
        host: "127.0.0.1", port: port, clientID: clientID, keepAlive: .seconds(5), responseTimeout: .seconds(5),
        reconnectMinimumDelay: .milliseconds(50), reconnectMaximumDelay: .milliseconds(400))
}

/// A client running in a ServiceGroup, stopped gracefully (or cancelled) by the test.
struct RunningClient: Sendable {
    let client: MQTTClient
    let group: ServiceGroup
    let task: Task<Void, any Error>

    init(_ configuration: MQTTClient.Configuration, logger: Logger = Logger(label: "mqtt-test")) {
        client = MQTTClient(configuration: configuration, logger: logger)
        group = ServiceGroup(services: [client], gracefulShutdownSignals: [], logger: logger)
        let group = self.group
        task = Task { try await group.run() }
    }

    /// A client that is killed (if still running) when the test ends.
    init(_ configuration: MQTTClient.Configuration, in resources: TestResources) {
        self.init(configuration)
        let task = self.task
        resources.onCleanup {
            task.cancel()
            _ = await task.result
        }
    }

    /// Graceful shutdown: the client says goodbye (will topic "offline", DISCONNECT).
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }

    /// Abrupt stop: cancellation closes the socket without DISCONNECT, as a crash would.
    func kill() async {
        task.cancel()
        _ = await task.result
    }

    func waitUntilConnected(timeout: Duration = .seconds(15)) async throws {
        try await waitForState(timeout: timeout) { if case .connected = $0 { true } else { false } }
    }

    func waitForState(timeout: Duration = .seconds(15), _ predicate: @escaping @Sendable (MQTTConnectionState) -> Bool) async throws {
        let client = self.client
        try await withTimeout(timeout, "MQTT connection state") {
            for await state in client.connectionStates() where predicate(state) { return }
            throw TestFailure("connection state stream ended")
        }
    }
}

/// Parent of the suites that run mosquitto and paho: serialized, so their python and broker
/// processes do not all start at once and starve the timing-sensitive tests of other targets.
@Suite(.serialized) enum BrokerSuites {}
