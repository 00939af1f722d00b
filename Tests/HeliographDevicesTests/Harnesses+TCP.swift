import HeliographCore
import HeliographDevices
import HeliographTesting

/// What a wrong service on the device's port sends back: a web server's refusal.
let wrongServiceReply = Array("HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n".utf8)

extension FamilyHarness {
    /// A Deye inverter behind a Solarman V5 logger on a loopback port.
    ///
    /// Logger sticks interleave heartbeats and noise with answers, so the V5 exchange skips what is
    /// not a frame for it and keeps waiting: a device that sends only garbage ends in a timeout.
    static let deye = FamilyHarness(garbageErrors: [.timeout]) { behaviour, body in
        let context = DeviceContext(logger: quietLogger)
        let device = { @Sendable (port: Int) in
            DeviceFamily.deye.configuration(id: "deye-under-test", options: DeyeOptions(host: "127.0.0.1", port: port), retry: conformanceRetry)
        }
        switch behaviour {
        case .simulated:
            let simulator = try DeyeSimulator(configuration: .init(port: 0), logger: quietLogger)
            let task = Task { try await simulator.run() }
            defer { task.cancel() }
            try await body(device(await simulator.listeningPort()), context)
            task.cancel()
            _ = await task.result
        case .silent, .garbage:
            try await MisbehavingTCPServer.run(reply: behaviour == .garbage ? wrongServiceReply : nil) { try await body(device($0), context) }
        }
    }

    /// A Hoymiles DTU-Pro on Modbus TCP on a loopback port.
    static let hoymiles = FamilyHarness { behaviour, body in
        let context = DeviceContext(logger: quietLogger)
        let device = { @Sendable (port: Int) in
            DeviceFamily.hoymiles.configuration(id: "dtu-under-test", options: HoymilesOptions(host: "127.0.0.1", port: port), retry: conformanceRetry)
        }
        switch behaviour {
        case .simulated:
            let (ports, ready) = AsyncStream.makeStream(of: Int.self)
            let simulator = HoymilesDTUSimulator(configuration: .init(port: 0), logger: quietLogger) { ready.yield($0) }
            try await whileRunning(simulator, readiness: ports) { try await body(device($0), context) }
        case .silent, .garbage:
            try await MisbehavingTCPServer.run(reply: behaviour == .garbage ? wrongServiceReply : nil) { try await body(device($0), context) }
        }
    }
}
