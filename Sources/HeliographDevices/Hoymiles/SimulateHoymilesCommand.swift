import ArgumentParser
import HeliographHoymiles
import Logging
import ServiceLifecycle

import class Foundation.FileHandle
import struct Foundation.Data
import struct Foundation.Date
import struct Foundation.TimeZone

/// `heliograph simulate hoymiles`: a Hoymiles DTU-Pro with micro-inverters on Modbus TCP.
struct SimulateHoymilesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hoymiles",
        abstract: "Simulate a Hoymiles DTU-Pro (MI-600, HM-1500, HM-400) on Modbus TCP; runs until Ctrl-C.",
        discussion: "Then poll it with a 'type: hoymiles' device at that host and port."
    )

    @Option(help: "TCP port to serve on (502 like a real DTU; 0 picks a free one).")
    var port = 502

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Modbus unit id the DTU answers to (1, or 101…254 when set in the Hoymiles app).")
    var unit: UInt8 = 1

    @Option(help: "Time zone of the DTU's clock: the sun and the daily counters follow it.")
    var timeZone = "UTC"

    @Option(help: "Simulated seconds per real second (720 = a day in 2 minutes).")
    var timeScale = 1.0

    func validate() throws {
        guard TimeZone(identifier: timeZone) != nil else { throw ValidationError("--time-zone: unknown time zone '\(timeZone)'") }
        guard timeScale > 0 else { throw ValidationError("--time-scale must be positive") }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0…65535") }
    }

    func run() async throws {
        var logger = Logger(label: "heliograph.simulate.hoymiles")
        logger.logLevel = .notice
        let configuration = HoymilesDTUSimulator.Configuration(
            host: host,
            port: port,
            unit: unit,
            timeZone: TimeZone(identifier: timeZone) ?? .gmt
        )
        let start = Date()
        let scale = timeScale
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let simulator = HoymilesDTUSimulator(
            configuration: configuration,
            now: { start.addingTimeInterval(Date().timeIntervalSince(start) * scale) },
            logger: logger,
            onReady: { portContinuation.yield($0) }
        )
        let group = ServiceGroup(services: [simulator], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            if let bound = await iterator.next() {
                let portCount = configuration.inverters.reduce(0) { $0 + $1.portCount }
                // Written unbuffered: scripts read this line while the simulator keeps running.
                let line = "Hoymiles DTU simulator (serial \(configuration.dtuSerial), \(configuration.inverters.count) inverters, "
                    + "\(portCount) ports, unit \(unit)) on \(host):\(bound)\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            }
            try await tasks.next()
        }
    }
}
