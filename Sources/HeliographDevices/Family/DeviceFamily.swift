import ArgumentParser
import HeliographConfigFile
import HeliographCore
import HeliographPipeline

/// Everything the daemon and the CLI know about one kind of device, in one value: the name used as
/// `devices.<id>.type`, its configuration keys and parser, how its driver is built, and optionally a
/// simulator (`heliograph simulate <name>`), its part of `heliograph scan` and the metrics its driver creates.
///
/// A family lives in one folder of this target; `DeviceFamilies.all` registers it.
public struct DeviceFamily: Sendable {
    /// `devices.<id>.type`, e.g. `pi30`.
    public let name: String
    /// Type-specific keys, for the unknown-key check.
    public let keys: [String]
    /// The driver's retry policy (`retry:` overrides it); nil for families that send no requests.
    public let defaultRetry: RetryPolicy?
    /// Poll interval when the file gives none.
    public let defaultInterval: Duration
    /// Poll timeout when the file gives none, for families without a retry policy (the others derive theirs).
    public let defaultTimeout: Duration
    /// Read through the `mqtt:` broker connection: the file needs an `mqtt:` section.
    public let needsMQTT: Bool
    /// `heliograph simulate <name>`, when the family has a simulator.
    public let simulateCommand: (any AsyncParsableCommand.Type)?
    /// How `heliograph scan` looks for devices of this family, when it can.
    public let scanProbe: ScanProbe?
    /// Prometheus names and help of the swift-metrics instruments its driver creates.
    public let metrics: [MetricDescription]
    private let parseOptions: @Sendable (ConfigurationSection) -> (any DeviceFamilyOptions)?
    private let buildDevice: @Sendable (DeviceConfiguration, DeviceContext) throws -> PolledDevice

    /// - Parameters:
    ///   - parse: reads the type-specific keys of one device's section, reporting problems on it; nil when unusable.
    ///   - makeDevice: builds the driver for checked options (the device's id, interval and timeout come with it).
    public init<Options: DeviceFamilyOptions>(
        name: String,
        keys: [String],
        defaultRetry: RetryPolicy? = nil,
        defaultInterval: Duration = .seconds(10),
        defaultTimeout: Duration = .seconds(5),
        needsMQTT: Bool = false,
        parse: @escaping @Sendable (ConfigurationSection) -> Options?,
        makeDevice: @escaping @Sendable (Options, DeviceConfiguration, DeviceContext) throws -> PolledDevice,
        simulateCommand: (any AsyncParsableCommand.Type)? = nil,
        scanProbe: ScanProbe? = nil,
        metrics: [MetricDescription] = []
    ) {
        self.name = name
        self.keys = keys
        self.defaultRetry = defaultRetry
        self.defaultInterval = defaultInterval
        self.defaultTimeout = defaultTimeout
        self.needsMQTT = needsMQTT
        self.simulateCommand = simulateCommand
        self.scanProbe = scanProbe
        self.metrics = metrics
        self.parseOptions = { parse($0) }
        self.buildDevice = { device, context in
            guard let options = device.options(as: Options.self) else {
                throw HeliographError(.invalidConfiguration, "device options of type \(type(of: device.options)) do not belong to the \(name) family", device: device.id)
            }
            return try makeDevice(options, device, context)
        }
    }

    /// Keys every device section has, whatever its type.
    public static let commonKeys = ["type", "interval", "timeout"]

    /// Reads one device's section (its `type` already chosen this family): common keys, then the family's.
    public func parse(id: DeviceID, section: ConfigurationSection) -> DeviceConfiguration? {
        let interval = section.duration("interval", in: .milliseconds(100)...(.seconds(86_400)))
        let timeout = section.duration("timeout", in: .milliseconds(50)...(.seconds(600)))
        // Families that send requests settle their retries and poll timeout together (nil: refused).
        let retry = defaultRetry.flatMap { DeviceRetry.parse(section, default: $0, timeout: timeout) }
        let options = parseOptions(section)
        section.reportUnknownKeys(allowed: Self.commonKeys + (defaultRetry == nil ? [] : ["retry"]) + keys)
        guard let options, defaultRetry == nil || retry != nil else { return nil }
        return DeviceConfiguration(
            id: id,
            type: name,
            interval: interval ?? defaultInterval,
            timeout: retry?.pollTimeout ?? timeout ?? defaultTimeout,
            retry: retry?.policy,
            options: options
        )
    }

    /// A device of this family as `parse` configures it when its section gives only the options:
    /// the default interval, the default retry policy and the poll timeout derived from it.
    /// `retry` replaces the default policy (the timeout is then derived from it).
    public func configuration(id: DeviceID, options: some DeviceFamilyOptions, retry: RetryPolicy? = nil) -> DeviceConfiguration {
        let policy = retry ?? defaultRetry
        return DeviceConfiguration(
            id: id, type: name, interval: defaultInterval, timeout: policy.map(DeviceRetry.derivedTimeout) ?? defaultTimeout, retry: policy, options: options
        )
    }

    /// The driver (and its service, when it has one) for a configured device of this family.
    public func makeDevice(_ device: DeviceConfiguration, context: DeviceContext) throws -> PolledDevice {
        try buildDevice(device, context)
    }
}
