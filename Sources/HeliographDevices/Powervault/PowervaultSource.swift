import HeliographCore
import HeliographMQTT
import HeliographPowervault
import Logging
import NIOCore

/// A Powervault P3 battery read from the MQTT topics its M4 controller publishes
/// (`pv/PV3/<device id>/#`); read-only, since the P3 ignores local commands.
public enum PowervaultSource {
    /// The topic root of one P3.
    public static func root(deviceID: String) -> String { "pv/PV3/\(deviceID)" }

    public static func descriptor(device: DeviceID, deviceID: String) -> DeviceDescriptor {
        DeviceDescriptor(
            kind: "powervault-p3", id: device, manufacturer: "Powervault", model: "P3", serial: deviceID, fields: PowervaultFields.all)
    }

    /// A driver for the P3 `deviceID` (e.g. `PV001001DEV`) as our device `device`.
    public static func makeDriver(
        device: DeviceID,
        deviceID: String,
        roles: PowervaultDecoder.ChannelRoles = .init(),
        subscriber: any MQTTPublisher,
        staleAfter: Duration = .seconds(300),
        logger: Logger
    ) -> MQTTSourceDriver {
        let root = root(deviceID: deviceID)
        let decoder = PowervaultDecoder(roles: roles)
        return MQTTSourceDriver(
            descriptor: descriptor(device: device, deviceID: deviceID),
            subscriber: subscriber,
            configuration: .init(filters: [root + "/#"], staleAfter: staleAfter),
            logger: logger
        ) { topic, payload in
            guard topic.hasPrefix(root + "/") else { return [:] }
            return try decoder.decode(suffix: String(topic.dropFirst(root.count + 1)), payload: Array(payload.readableBytesView))
        }
    }
}
