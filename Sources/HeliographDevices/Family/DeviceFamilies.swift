import HeliographConfigFile
import HeliographCore
import HeliographPipeline

/// The registered device families. Adding a family is one folder in this target and one line here.
public enum DeviceFamilies {
    /// In the order `config check` lists them.
    public static let all: [DeviceFamily] = [
        .pi30,
        .deye,
        .hoymiles,
        .openMeteo,
        .powervault,
        .mqttSensors,
        .simulatedWeather,
    ]

    /// The family whose name is `devices.<id>.type`.
    public static func named(_ name: String) -> DeviceFamily? {
        all.first { $0.name == name }
    }

    /// Reads one entry under `devices:`: finds its family by `type`, then lets the family read the rest.
    public static func parse(id: DeviceID, section: ConfigurationSection) -> DeviceConfiguration? {
        guard section.mapping != nil else {
            section.problem(nil, "expected the device's settings (type, port, ...)")
            return nil
        }
        let names = all.map(\.name).joined(separator: ", ")
        guard let typeName = section.string("type") else {
            section.problem("type", "missing; one of \(names)")
            return nil
        }
        guard let family = named(typeName) else {
            section.problem("type", "unknown device type '\(typeName)'; one of \(names)")
            return nil
        }
        return family.parse(id: id, section: section)
    }

    /// Builds the driver of a configured device through its family.
    public static func makeDevice(_ device: DeviceConfiguration, context: DeviceContext) throws -> PolledDevice {
        guard let family = named(device.type) else {
            throw HeliographError(.invalidConfiguration, "unknown device type '\(device.type)'", device: device.id)
        }
        return try family.makeDevice(device, context: context)
    }

    /// The metrics every family's drivers create, for the Prometheus exporter.
    public static var metrics: [MetricDescription] { all.flatMap(\.metrics) }
}
