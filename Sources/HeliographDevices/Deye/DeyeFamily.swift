import HeliographConfigFile
import HeliographCore
import HeliographPipeline

/// Options of a Deye/Sunsynk inverter (`type: deye`), reached through a Solarman V5 logger or Modbus TCP.
public struct DeyeOptions: DeviceFamilyOptions {
    /// The logger's or gateway's address.
    public var host: String
    /// Default 8899 for `v5`, 502 for `modbus-tcp`.
    public var port: Int?
    /// `v5` (Solarman logger stick) or `modbus-tcp`. Default `v5`.
    public var transport: String
    /// The serial printed on the logger stick; 0 learns it from the first answer. Default 0.
    public var loggerSerial: UInt32
    /// Modbus address of the inverter. Default 1.
    public var slaveID: Int
    /// Bundled register map: `deye_single_phase_hybrid` (default), `deye_three_phase_hybrid_lv`, ...
    public var model: String
    /// `settings_interval`: how often the settings block (work mode, TOU, currents) is read; it is
    /// also read after every write. Default 60 s.
    public var settingsInterval: Duration = DeyeDriver.defaultSettingsInterval

    public init(host: String, port: Int? = nil, transport: String = "v5", loggerSerial: UInt32 = 0, slaveID: Int = 1, model: String = "deye_single_phase_hybrid") {
        self.host = host
        self.port = port
        self.transport = transport
        self.loggerSerial = loggerSerial
        self.slaveID = slaveID
        self.model = model
    }

    /// Register maps the `deye` type accepts under `model`.
    public static let models = ["deye_single_phase_hybrid", "deye_three_phase_hybrid_lv", "deye_three_phase_hybrid_hv", "deye_string", "deye_micro"]

    static func parse(_ section: ConfigurationSection) -> DeyeOptions? {
        let host = section.string("host")
        let port = section.int("port", in: 1...65_535)
        let transport = section.string("transport", oneOf: ["v5", "modbus-tcp"])
        let serial = section.int("logger_serial", in: 0...Int(UInt32.max))
        let slave = section.int("slave_id", in: 1...247)
        let model = section.string("model", oneOf: models)
        let settingsInterval = section.duration("settings_interval", in: .seconds(1) ... .seconds(86_400))
        guard let host else {
            section.problem("host", "missing; the logger's IP address or host name")
            return nil
        }
        var options = DeyeOptions(host: host, port: port)
        if let transport { options.transport = transport }
        if let serial { options.loggerSerial = UInt32(serial) }
        if let slave { options.slaveID = slave }
        if let model { options.model = model }
        if let settingsInterval { options.settingsInterval = settingsInterval }
        return options
    }
}

extension DeviceFamily {
    /// Deye/Sunsynk inverters behind a Solarman V5 logger stick or a Modbus TCP gateway.
    public static let deye = DeviceFamily(
        name: "deye",
        keys: ["host", "port", "transport", "logger_serial", "slave_id", "model", "settings_interval"],
        defaultRetry: DeyeDriver.defaultRetry,
        parse: DeyeOptions.parse,
        makeDevice: { options, device, _ in
            let configuration = DeyeDriver.Configuration(
                loggerSerial: options.loggerSerial,
                slaveID: UInt8(options.slaveID),
                model: options.model,
                transportKind: DeyeDriver.Configuration.TransportKind(rawValue: options.transport) ?? .solarmanV5,
                retry: device.retryPolicy(default: DeyeDriver.defaultRetry),
                slowReadInterval: options.settingsInterval
            )
            let driver = try DeyeDriver(device: device.id, host: options.host, port: options.port, configuration: configuration)
            return PolledDevice(driver: driver, interval: device.interval, timeout: device.timeout)
        },
        simulateCommand: SimulateDeyeCommand.self,
        scanProbe: .deye
    )
}
