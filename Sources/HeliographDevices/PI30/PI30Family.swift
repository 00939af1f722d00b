import HeliographConfigFile
import HeliographCore
import HeliographPI30
import HeliographPipeline
import HeliographTransport

import struct Foundation.Date

/// Options of a Voltronic/PI30 inverter (`type: pi30`).
public struct PI30Options: DeviceFamilyOptions {
    /// `/dev/hidraw0` (USB HID) or `/dev/ttyUSB0` (serial); a pty path works too.
    public var port: String
    /// Serial speed; ignored for HID. Default 2400.
    public var baud: Int
    /// Queries issued on every poll and merged into one sample. Default `QPIGS`, `QMOD`, `QPIWS`.
    public var queries: [String]
    /// Talk USB HID (8-byte reports) rather than a serial line. Default: true when the port is `/dev/hidraw*`.
    public var hid: Bool
    /// `settings_interval`: how often QPIRI and QFLAG are read so the current settings are known (they
    /// are read after every write too). Default 60 s; `0s` reads them only after writes.
    public var settingsInterval: Duration = PI30Driver.defaultSettingsInterval

    public init(port: String, baud: Int = 2400, queries: [String] = ["QPIGS", "QMOD", "QPIWS"], hid: Bool? = nil) {
        self.port = port
        self.baud = baud
        self.queries = queries
        self.hid = hid ?? port.hasPrefix("/dev/hidraw")
    }

    /// Query names the options accept; the driver decides what it can decode.
    public static let knownQueries = ["QPIGS", "QPIGS2", "QMOD", "QPIRI", "QPIWS", "QID", "QVFW", "QPI", "QFLAG"]

    static func parse(_ section: ConfigurationSection) -> PI30Options? {
        // Read every key before deciding, so one problem does not hide the others.
        let port = section.string("port")
        let baud = section.int("baud", in: 300...921_600)
        let hid = section.bool("hid")
        let settingsInterval = section.duration("settings_interval", in: .zero ... .seconds(86_400))
        var queries = section.stringList("queries")?.map { $0.uppercased() }
        if let list = queries {
            let unknown = list.filter { !knownQueries.contains($0) }
            if !unknown.isEmpty {
                section.problem("queries", "unknown queries \(unknown.joined(separator: ", ")); known: \(knownQueries.joined(separator: ", "))")
                queries = nil
            } else if list.isEmpty {
                section.problem("queries", "must list at least one query, e.g. [QPIGS, QMOD]")
                queries = nil
            }
        }
        guard let port else {
            section.problem("port", "missing; the device path, e.g. /dev/hidraw0 or /dev/ttyUSB0")
            return nil
        }
        guard port.hasPrefix("/") else {
            section.problem("port", "must be an absolute device path like /dev/hidraw0 or /dev/ttyUSB0; got '\(port)'")
            return nil
        }
        var options = PI30Options(port: port, hid: hid)
        if let baud { options.baud = baud }
        if let queries { options.queries = queries }
        if let settingsInterval { options.settingsInterval = settingsInterval }
        return options
    }
}

extension PI30Driver {
    /// A driver on the options' port: USB HID reports or a serial line, retrying a poll as `retry` says.
    public static func make(
        device: DeviceID, options: PI30Options, retry: RetryPolicy = PI30Driver.defaultRetry, now: @escaping @Sendable () -> Date = { Date() }
    ) -> PI30Driver {
        let transport: any ByteTransport =
            options.hid ? HIDTransport(path: options.port) : SerialTransport(path: options.port, baudRate: options.baud)
        let configuration = PI30Driver.Configuration(
            retry: retry,
            pollQueries: options.queries.map { PI30Command($0) },
            settingsInterval: options.settingsInterval == .zero ? nil : options.settingsInterval,
            framing: options.hid ? .hid : .serial
        )
        return PI30Driver(device: device, transport: transport, configuration: configuration, now: now)
    }
}

extension DeviceFamily {
    /// Voltronic/PI30 inverters on USB HID or a serial line.
    public static let pi30 = DeviceFamily(
        name: "pi30",
        keys: ["port", "baud", "queries", "hid", "settings_interval"],
        defaultRetry: PI30Driver.defaultRetry,
        parse: PI30Options.parse,
        makeDevice: { options, device, context in
            let driver = PI30Driver.make(device: device.id, options: options, retry: device.retryPolicy(default: PI30Driver.defaultRetry), now: context.now)
            return PolledDevice(driver: driver, interval: device.interval, timeout: device.timeout)
        },
        simulateCommand: SimulatePI30Command.self,
        scanProbe: .pi30
    )
}
