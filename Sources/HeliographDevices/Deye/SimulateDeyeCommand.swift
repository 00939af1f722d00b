import ArgumentParser
import HeliographCore
import HeliographSolarman
import Logging
import ServiceLifecycle

import class Foundation.FileHandle
import struct Foundation.Data

/// `heliograph simulate deye`: a Deye inverter behind a Solarman V5 logger (or on plain Modbus TCP).
struct SimulateDeyeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deye",
        abstract: "Simulate a Deye inverter behind a Solarman V5 logger on a TCP port; runs until Ctrl-C.",
        discussion: "Try: heliograph scan solarman --address 127.0.0.1 --port <discovery-port>, then poll it with a 'type: deye' device."
    )

    @Option(help: "TCP port to serve on (8899 like a real logger; 0 picks a free one).")
    var port = 8_899

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Logger serial the simulated stick answers to.")
    var serial: UInt32 = 2_612_749_371

    @Option(help: "Register map: \(RegisterMap.bundledNames.joined(separator: ", ")).")
    var model = "deye_single_phase_hybrid"

    @Option(name: .customLong("protocol"), help: "v5 (Solarman logger) or modbus-tcp.")
    var wireProtocol = "v5"

    @Option(help: "Simulated seconds per real second (60 = a day in 24 minutes).")
    var timeScale = 1.0

    @Option(help: "Also answer Solarman discovery on this UDP port (48899 like a real logger).")
    var discoveryPort: Int?

    @Option(help: "Seconds to wait before each answer, as a real logger takes (0.1-0.5 s); default 0.")
    var replyDelay = 0.0

    func validate() throws {
        guard DeyeSimulator.Configuration.WireProtocol(rawValue: wireProtocol) != nil else {
            throw ValidationError("--protocol must be v5 or modbus-tcp")
        }
        guard RegisterMap.bundledNames.contains(model) else {
            throw ValidationError("--model must be one of \(RegisterMap.bundledNames.joined(separator: ", "))")
        }
        guard timeScale > 0 else { throw ValidationError("--time-scale must be positive") }
        guard (0...10).contains(replyDelay) else { throw ValidationError("--reply-delay must be 0 to 10 seconds") }
    }

    func run() async throws {
        var logger = Logger(label: "heliograph.simulate.deye")
        logger.logLevel = .notice
        var configuration = DeyeSimulator.Configuration(host: host, port: port, loggerSerial: serial, model: model, timeScale: timeScale)
        configuration.wireProtocol = DeyeSimulator.Configuration.WireProtocol(rawValue: wireProtocol) ?? .solarmanV5
        let simulator: DeyeSimulator
        do {
            simulator = try DeyeSimulator(configuration: configuration, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
        if replyDelay > 0 { simulator.updateFaults { $0.replyDelay = .milliseconds(Int64(replyDelay * 1_000)) } }
        var services: [any Service] = [simulator]
        var responder: SolarmanDiscoveryResponder?
        if let discoveryPort {
            let reply = SolarmanDiscovery.Reply(ip: host, mac: "ACCF23000001", serial: serial)
            responder = SolarmanDiscoveryResponder(host: host, port: discoveryPort, replies: [reply], logger: logger)
            services.append(responder!)
        }
        let group = ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let bound = await simulator.listeningPort()
            // Written unbuffered: scripts read these lines while the simulator keeps running.
            announce("Deye simulator (\(model), \(wireProtocol), logger serial \(serial)) on \(host):\(bound)")
            if let responder { announce("Answering Solarman discovery on UDP \(host):\(await responder.listeningPort())") }
            try await tasks.next()
        }
    }
}
