import ArgumentParser
import HeliographCore
import HeliographDrivers
import HeliographSolarman

import class Foundation.FileHandle
import struct Foundation.Data

/// `heliograph scan`: look for devices on the local network.
struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Look for devices on the local network.",
        subcommands: [ScanSolarmanCommand.self]
    )
}

/// `heliograph scan solarman`: UDP discovery of Solarman V5 logger sticks (Deye/Sunsynk).
struct ScanSolarmanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solarman",
        abstract: "Find Solarman V5 logger sticks by UDP broadcast on port 48899; prints IP, MAC and logger serial.",
        discussion: "Loggers with firmware MW3_SSL_5408 and later do not answer; configure their IP and serial by hand."
    )

    @Option(help: "Where to send the probe: a broadcast address or one logger's IP.")
    var address = "255.255.255.255"

    @Option(help: "UDP port the loggers listen on.")
    var port = SolarmanDiscovery.port

    @Option(help: "Local address to send from (0.0.0.0 = every interface).")
    var bind = "0.0.0.0"

    @Option(help: "Seconds to wait for answers.")
    var timeout = 1.0

    @Flag(help: "Print one JSON object per logger.")
    var json = false

    func validate() throws {
        guard timeout > 0, timeout <= 60 else { throw ValidationError("--timeout must be between 0 and 60 seconds") }
        guard (1...65_535).contains(port) else { throw ValidationError("--port must be 1...65535") }
    }

    func run() async throws {
        let found: [SolarmanDiscovery.Reply]
        do {
            found = try await SolarmanScanner.scan(address: address, port: port, bindHost: bind, timeout: .milliseconds(Int(timeout * 1_000)))
        } catch let error as HeliographError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
        if json {
            for logger in found { print(#"{"ip":"\#(logger.ip)","mac":"\#(logger.mac)","serial":\#(logger.serial)}"#) }
            return
        }
        guard !found.isEmpty else {
            print("No Solarman logger answered within \(timeout) s. Newer logger firmwares do not answer discovery: use the IP and the serial printed on the stick.")
            return
        }
        print("IP               MAC           SERIAL")
        for logger in found {
            print(logger.ip.padding(toLength: 16, withPad: " ", startingAt: 0) + " " + logger.mac + "  " + String(logger.serial))
        }
    }
}
