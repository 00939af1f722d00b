/// A gateway driver whose polls report devices behind it (a Hoymiles DTU's inverters).
///
/// `describe` describes the gateway itself; the devices found behind it appear here once a
/// poll has seen them, and the samples of `poll` carry their ids. Whoever runs the driver
/// registers these descriptors with the `SampleStore` after each poll (register is an upsert
/// that keeps first seen and moves last seen).
public protocol DeviceDiscoveringDriver: PolledDriver {
    /// Every device found behind the gateway so far, with `parent` set to the gateway's id.
    func discoveredDevices() async -> [DeviceDescriptor]
}
