import Synchronization

/// The descriptors a sink has been handed (`SampleSink.describe`), by device: what it knows of the
/// devices whose samples it writes, without asking the store.
public final class DeviceDirectory: Sendable {
    private let devices: Mutex<[DeviceID: DeviceDescriptor]>

    /// - Parameter devices: descriptors known up front.
    public init(_ devices: [DeviceDescriptor] = []) {
        self.devices = Mutex(Dictionary(devices.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last }))
    }

    /// Records a descriptor, replacing the device's earlier one; returns whether it is new or changed.
    @discardableResult
    public func record(_ descriptor: DeviceDescriptor) -> Bool {
        devices.withLock { devices in
            defer { devices[descriptor.id] = descriptor }
            return devices[descriptor.id] != descriptor
        }
    }

    /// The device's descriptor, nil when it was never handed one.
    public subscript(device: DeviceID) -> DeviceDescriptor? { devices.withLock { $0[device] } }

    /// Every known descriptor, by id.
    public var all: [DeviceDescriptor] { devices.withLock { $0.values.sorted { $0.id < $1.id } } }
}
