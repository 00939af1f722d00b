/// Every decoder that takes bytes from outside the daemon, as a fuzz target.
public enum FuzzTargets {
    /// All targets in the order `heliograph fuzz all` runs them.
    public static let all: [FuzzTarget] = [
        pi30Serial, pi30HID, solarmanV5, modbusTCP, modbusRTU, mqttPackets, mqttInbound, mqttPayloads, httpBodies, configurationYAML, registerMaps,
    ]

    /// The target called `name`, or nil.
    public static func named(_ name: String) -> FuzzTarget? {
        all.first { $0.name == name }
    }
}
