import HeliographCore
import HeliographDevices
import HeliographSolarman
import Logging
import ServiceLifecycle
import Testing

@Suite("Deye simulator lifecycle")
struct DeyeSimulatorLifecycleTests {
    @Test("graceful shutdown ends the simulator while a client is connected")
    func gracefulShutdown() async throws {
        let simulator = try DeyeSimulator()
        let group = ServiceGroup(services: [simulator], gracefulShutdownSignals: [], logger: Logger(label: "test.group"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = await simulator.listeningPort()
            let driver = try DeyeDriver(device: "deye", host: "127.0.0.1", port: port, configuration: .init(loggerSerial: 2_612_749_371))
            #expect(try await driver.poll(logger: testLogger).first?.number("battery_soc_pct") != nil)
            await group.triggerGracefulShutdown()
            try await tasks.next()
            await #expect(throws: HeliographError.self) { try await driver.poll(logger: testLogger) }
        }
    }

    @Test("transport kinds parse from config strings and know their ports")
    func transportKinds() {
        #expect(DeyeDriver.Configuration.TransportKind(rawValue: "v5")?.defaultPort == 8899)
        #expect(DeyeDriver.Configuration.TransportKind(rawValue: "modbus-tcp")?.defaultPort == 502)
        #expect(DeyeDriver.Configuration.TransportKind(rawValue: "rtu") == nil)
    }
}
