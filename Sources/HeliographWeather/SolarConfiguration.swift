import HeliographConfigFile
import HeliographCore

/// The `solar:` section: the PV arrays, for the expected-output estimate (`SolarEstimateDriver`) and `sun_output_pct`.
///
/// ```yaml
/// solar:
///   peak_power_kw: 5.2       # one array: size, tilt, azimuth (180 = south), losses
///   tilt: 35                 # default 30
///   azimuth: 180             # default 180
///   losses_pct: 14           # default 14
///   arrays:                  # or several arrays (east/west roofs), each with the keys above
///     - { peak_power_kw: 3, tilt: 30, azimuth: 90 }
///     - { peak_power_kw: 3, tilt: 30, azimuth: 270 }
///   device: solar            # id of the estimate device; default solar
///   weather: weather         # the open-meteo device whose cloud cover is used; default the only one
///   producers: [inverter]    # devices whose pv_power_w is the actual output; default all
///   interval: 1m             # default 1m
/// ```
public struct SolarConfiguration: Sendable, Hashable {
    public var arrays: [PVArray]
    public var device: DeviceID
    public var weather: DeviceID?
    public var producers: [DeviceID]
    public var interval: Duration

    public init(arrays: [PVArray], device: DeviceID = "solar", weather: DeviceID? = nil, producers: [DeviceID] = [], interval: Duration = .seconds(60)) {
        self.arrays = arrays
        self.device = device
        self.weather = weather
        self.producers = producers
        self.interval = interval
    }

    static let arrayKeys = ["peak_power_kw", "tilt", "azimuth", "losses_pct"]
    static let keys = arrayKeys + ["arrays", "device", "weather", "producers", "interval"]

    /// Reads the section; nil when it is absent or unusable (with problems reported).
    public static func parse(_ section: ConfigurationSection) -> SolarConfiguration? {
        guard section.mapping != nil else { return nil }
        var arrays: [PVArray] = []
        let singleArray = arrayKeys.contains { key in
            section.mapping?[key] != nil || section.environment[ConfigurationSection.environmentName(for: section.key(key))] != nil
        }
        if singleArray {
            if let array = PVArray.parse(section) { arrays.append(array) }
        }
        if let list = section.node("arrays") {
            if let sequence = list.sequence {
                for (index, element) in sequence.enumerated() {
                    let item = ConfigurationSection(path: section.key("arrays[\(index)]"), node: element, environment: [:], problems: section.problems)
                    if let array = PVArray.parse(item) { arrays.append(array) }
                    item.reportUnknownKeys(allowed: arrayKeys)
                }
            } else {
                section.problem("arrays", "expected a list of arrays, each with peak_power_kw, tilt, azimuth")
            }
        }
        var configuration = SolarConfiguration(arrays: arrays)
        if let device = section.string("device") {
            if DeviceID(device).isValid { configuration.device = DeviceID(device) } else { section.problem("device", "device ids may only use a-z, 0-9, '_' and '-'") }
        }
        configuration.weather = section.string("weather").map { DeviceID($0) }
        configuration.producers = section.stringList("producers")?.map { DeviceID($0) } ?? []
        configuration.interval = section.duration("interval", in: .seconds(1)...(.seconds(3_600))) ?? configuration.interval
        section.reportUnknownKeys(allowed: keys)
        if arrays.isEmpty {
            section.problem(nil, "give the array size: peak_power_kw (with tilt and azimuth), or a list under arrays")
            return nil
        }
        return configuration
    }
}

extension PVArray {
    /// One array under `solar:` (or `solar:` itself when it describes a single array).
    static func parse(_ section: ConfigurationSection) -> PVArray? {
        let power = section.double("peak_power_kw", in: 0.01...100_000)
        let tilt = section.double("tilt", in: 0...90)
        let azimuth = section.double("azimuth", in: 0...360)
        let losses = section.double("losses_pct", in: 0...90)
        guard let power else {
            section.problem("peak_power_kw", "missing; the array's size in kWp, e.g. 5.2")
            return nil
        }
        return PVArray(peakPowerKW: power, tilt: tilt ?? 30, azimuth: azimuth ?? 180, lossesPct: losses ?? 14)
    }
}
