import HeliographCore
import HeliographDevices
import HeliographMQTT
import NIOCore

extension FamilyHarness {
    /// A Powervault P3 publishing through an in-process broker: the simulator, nobody, or a
    /// publisher of payloads that are not JSON. The poll timeout (3 s) is longer than the driver's
    /// wait for a first message (2 s), as with the default 5 s, so silence reads as "unavailable".
    static let powervault = FamilyHarness(silentError: .deviceUnavailable, garbageErrors: [.deviceUnavailable]) { behaviour, body in
        let broker = InMemoryBroker()
        defer { broker.close() }
        let context = DeviceContext(mqtt: broker, logger: quietLogger)
        let device = DeviceConfiguration(id: "p3-under-test", type: "powervault", timeout: .seconds(3), options: PowervaultOptions(deviceID: "PV001001DEV"))
        let publisher: Task<Void, any Error>
        switch behaviour {
        case .simulated:
            let simulator = PowervaultSimulator(publisher: broker, configuration: .init(deviceID: "PV001001DEV", interval: .milliseconds(100)), logger: quietLogger)
            publisher = Task { try await simulator.run() }
        case .silent:
            publisher = Task {}
        case .garbage:
            publisher = Task { try await publishForever(broker, topic: "pv/PV3/PV001001DEV/bms/soc", payload: "<html>not JSON") }
        }
        defer { publisher.cancel() }
        try await body(device, context)
    }

    /// Generic sensor topics through an in-process broker: numbers, nothing, or truncated JSON.
    /// (Plain text is not garbage here: a sensor may publish text.)
    static let mqttSensors = FamilyHarness(silentError: .deviceUnavailable, garbageErrors: [.deviceUnavailable]) { behaviour, body in
        let broker = InMemoryBroker()
        defer { broker.close() }
        let context = DeviceContext(mqtt: broker, logger: quietLogger)
        let options = MQTTSensorOptions(
            topics: ["house/+"], fields: [.init(topic: "garden/probe", field: "garden_temperature_c", unit: .celsius, jsonKey: "temp")])
        let device = DeviceConfiguration(id: "sensors-under-test", type: "mqtt-sensors", timeout: .seconds(3), options: options)
        let publisher: Task<Void, any Error>
        switch behaviour {
        case .simulated:
            publisher = Task {
                async let house: Void = publishForever(broker, topic: "house/kitchen_temperature_c", payload: "21.5")
                async let garden: Void = publishForever(broker, topic: "garden/probe", payload: #"{"temp": 12.25}"#)
                _ = try await (house, garden)
            }
        case .silent:
            publisher = Task {}
        case .garbage:
            publisher = Task { try await publishForever(broker, topic: "garden/probe", payload: #"{"temp": 12."#) }
        }
        defer { publisher.cancel() }
        try await body(device, context)
    }
}

/// Publishes the same message every 100 ms until cancelled: whenever the driver subscribes, it gets some.
private func publishForever(_ broker: InMemoryBroker, topic: String, payload: String) async throws {
    while !Task.isCancelled {
        try await broker.publish(topic: topic, payload: ByteBuffer(string: payload), qos: .atLeastOnce, retain: false)
        try await Task.sleep(for: .milliseconds(100))
    }
}
