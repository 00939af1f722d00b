import ArgumentParser
import HeliographCore
import HeliographMQTT
import Logging
import ServiceLifecycle

import class Foundation.FileHandle
import class Foundation.ProcessInfo
import struct Foundation.Data

/// `heliograph simulate powervault`: a Powervault P3 publishing its MQTT topics to a broker.
struct SimulatePowervaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "powervault",
        abstract: "Simulate a Powervault P3 publishing pv/PV3/<device-id>/... to an MQTT broker; runs until Ctrl-C.",
        discussion: "Then read it with a 'type: powervault' device (device_id: the same id) and an mqtt: section for that broker."
    )

    @Option(help: "The broker, host:port (port 1883 when left out).")
    var broker = "127.0.0.1:1883"

    @Option(help: "The P3's id in its topics.")
    var deviceID = "PV001001DEV"

    @Option(help: "Seconds between rounds of messages.")
    var interval = 2.0

    @Option(help: "Simulated seconds per real second (720 = a day in 2 minutes).")
    var timeScale = 1.0

    @Option(help: "Every N rounds also publish a malformed payload (0: never).")
    var garbageEvery = 0

    @Option(help: "Broker user name.")
    var username: String?

    @Option(help: "Broker password (or set MQTT_PASSWORD).")
    var password: String?

    func validate() throws {
        guard parsedBroker != nil else { throw ValidationError("--broker must be host:port, e.g. 127.0.0.1:1883") }
        guard interval >= 0.05 else { throw ValidationError("--interval must be at least 0.05 s") }
        guard timeScale > 0 else { throw ValidationError("--time-scale must be positive") }
        guard garbageEvery >= 0 else { throw ValidationError("--garbage-every must not be negative") }
        guard !deviceID.isEmpty, !deviceID.contains(where: { $0 == "/" || $0 == "+" || $0 == "#" }) else {
            throw ValidationError("--device-id must be one topic level (no '/', '+' or '#')")
        }
    }

    private var parsedBroker: (host: String, port: Int)? {
        let parts = broker.split(separator: ":", maxSplits: 1).map(String.init)
        guard let host = parts.first, !host.isEmpty else { return nil }
        guard parts.count == 2 else { return (host, 1883) }
        guard let port = Int(parts[1]), (1...65_535).contains(port) else { return nil }
        return (host, port)
    }

    func run() async throws {
        var logger = Logger(label: "heliograph.simulate.powervault")
        logger.logLevel = .notice
        guard let (host, port) = parsedBroker else { throw ValidationError("--broker must be host:port") }
        let secret = password ?? ProcessInfo.processInfo.environment["MQTT_PASSWORD"]
        let client = MQTTClient(
            configuration: .init(
                host: host, port: port, clientID: "p3-simulator-\(deviceID)", username: username, password: secret.map { Secret($0) },
                reconnectMaximumDelay: .seconds(5)),
            logger: logger)
        let simulator = PowervaultSimulator(
            publisher: client,
            configuration: .init(deviceID: deviceID, interval: .milliseconds(Int64(interval * 1_000)), timeScale: timeScale, garbageEvery: garbageEvery),
            logger: logger)
        let group = ServiceGroup(services: [client, simulator], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // Written unbuffered: scripts read this line while the simulator keeps running.
        FileHandle.standardOutput.write(Data("Powervault P3 simulator \(deviceID) publishing pv/PV3/\(deviceID)/# to \(host):\(port)\n".utf8))
        try await group.run()
    }
}
