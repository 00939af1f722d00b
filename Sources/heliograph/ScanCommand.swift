import ArgumentParser
import HeliographTools
import HeliographCore
import HeliographDevices
import HeliographSolarman
import Logging

import class Foundation.FileHandle
import struct Foundation.Data

/// `heliograph scan`: look for inverters on USB, serial ports and the local network.
struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Look for inverters on USB, serial ports and the local network.",
        subcommands: [ScanAllCommand.self, ScanSolarmanCommand.self],
        defaultSubcommand: ScanAllCommand.self
    )
}

/// `heliograph scan [all]`: USB-HID inverters, serial ports probed for PI30, Solarman loggers, and a config snippet.
struct ScanAllCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "List USB-HID inverters (0665:5161), serial ports that answer PI30, and Solarman loggers; print a config snippet.",
        discussion: """
            Probing sends the read-only queries QPI and QID to each port. Run it while the daemon is stopped: \
            two programs talking to one port at once garble each other's replies.
            """
    )

    @Flag(inversion: .prefixedNo, help: "Ask each port QPI/QID to see whether a PI30 inverter answers.")
    var probe = true

    @Flag(inversion: .prefixedNo, help: "Send Solarman logger discovery on UDP 48899.")
    var network = true

    @Option(help: "Seconds to wait for each answer.")
    var timeout = 2.0

    @Option(help: "Serial speed for the probe.")
    var baud = 2_400

    @Option(name: .customLong("port"), help: "Also probe this serial port (e.g. /dev/ttyS0, /dev/ttyAMA0); repeatable.")
    var extraPorts: [String] = []

    @Option(help: "Where to send the Solarman probe: a broadcast address or one logger's IP.")
    var solarmanAddress = "255.255.255.255"

    @Option(help: "UDP port of the Solarman discovery.")
    var solarmanPort = SolarmanDiscovery.port

    @Flag(help: "Print one JSON object (devices, probe results, snippet) instead of the listing.")
    var json = false

    @Option(help: ArgumentHelp("Root of sysfs (for tests).", visibility: .hidden))
    var sysRoot = "/sys"

    @Option(help: ArgumentHelp("Root of the device nodes (for tests).", visibility: .hidden))
    var devRoot = "/dev"

    func validate() throws {
        guard timeout > 0, timeout <= 60 else { throw ValidationError("--timeout must be between 0 and 60 seconds") }
        guard (1...65_535).contains(solarmanPort) else { throw ValidationError("--solarman-port must be 1...65535") }
    }

    func run() async throws {
        var request = ScanRequest()
        request.sysfsRoot = sysRoot
        request.deviceRoot = devRoot
        request.probe = probe
        request.network = network
        request.probeTimeout = .milliseconds(Int(timeout * 1_000))
        request.discoveryTimeout = .milliseconds(Int(min(timeout, 2) * 1_000))
        request.baud = baud
        request.extraSerialPorts = extraPorts
        request.discoveryAddress = solarmanAddress
        request.discoveryPort = solarmanPort
        let logger = Logger(label: "heliograph.scan") { _ in SwiftLogNoOpLogHandler() }
        let report = await DeviceScan(request: request).run(logger: logger)
        if json {
            say(report.json)
            return
        }
        say(report.listing)
        if let snippet = report.configurationSnippet {
            say("\nConfiguration for what was found (add to your heliograph.yaml, then `heliograph config check` it):\n")
            say(snippet)
        } else {
            say("\nNo inverter found. See README \"Troubleshooting\".")
        }
    }
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
