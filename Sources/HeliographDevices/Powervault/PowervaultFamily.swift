import HeliographConfigFile
import HeliographCore
import HeliographPipeline

/// Options of a Powervault P3 read from its M4 controller's MQTT topics (`type: powervault`).
/// The P3 publishes to its own Mosquitto broker: point `mqtt:` at it (or bridge it).
public struct PowervaultOptions: DeviceFamilyOptions {
    /// The id in the P3's topics, `pv/PV3/<device_id>/...`, e.g. `PV001001DEV`.
    public var deviceID: String
    /// Which `ffr/measurements` CT channel measures the grid, the house and the auxiliary circuit.
    /// Installations differ; defaults HOUSE, LOCAL, AUX1.
    public var gridChannel: String
    public var houseChannel: String
    public var auxiliaryChannel: String
    /// Silence after which the P3 counts as unavailable; default 5 minutes.
    public var staleAfter: Duration

    public init(deviceID: String, gridChannel: String = "HOUSE", houseChannel: String = "LOCAL", auxiliaryChannel: String = "AUX1", staleAfter: Duration = .seconds(300)) {
        self.deviceID = deviceID
        self.gridChannel = gridChannel
        self.houseChannel = houseChannel
        self.auxiliaryChannel = auxiliaryChannel
        self.staleAfter = staleAfter
    }

    static func parse(_ section: ConfigurationSection) -> PowervaultOptions? {
        let deviceID = section.string("device_id")
        let grid = section.string("grid_channel")
        let house = section.string("house_channel")
        let auxiliary = section.string("aux_channel")
        let staleAfter = section.duration("stale_after", in: .seconds(5)...(.seconds(86_400)))
        guard let deviceID else {
            section.problem("device_id", "missing; the id in the P3's topics pv/PV3/<device_id>/... (subscribe to pv/# to find it)")
            return nil
        }
        guard MQTTTopicNames.isTopicLevel(deviceID) else {
            section.problem("device_id", "must be one topic level (no '/', '+', '#'); got '\(deviceID)'")
            return nil
        }
        var options = PowervaultOptions(deviceID: deviceID)
        if let grid { options.gridChannel = grid.uppercased() }
        if let house { options.houseChannel = house.uppercased() }
        if let auxiliary { options.auxiliaryChannel = auxiliary.uppercased() }
        if let staleAfter { options.staleAfter = staleAfter }
        return options
    }
}

extension DeviceFamily {
    /// Powervault P3 batteries, read from the MQTT topics their controller publishes.
    public static let powervault = DeviceFamily(
        name: "powervault",
        keys: ["device_id", "grid_channel", "house_channel", "aux_channel", "stale_after"],
        needsMQTT: true,
        parse: PowervaultOptions.parse,
        makeDevice: { options, device, context in
            guard let mqtt = context.mqtt else { throw HeliographError(.invalidConfiguration, "a powervault device needs the mqtt: section", device: device.id) }
            let driver = PowervaultSource.makeDriver(
                device: device.id,
                deviceID: options.deviceID,
                roles: .init(grid: options.gridChannel, house: options.houseChannel, auxiliary: options.auxiliaryChannel),
                subscriber: mqtt,
                staleAfter: options.staleAfter,
                logger: context.logger
            )
            return PolledDevice(driver: driver, interval: device.interval, timeout: device.timeout, service: driver)
        },
        simulateCommand: SimulatePowervaultCommand.self
    )
}
