import HeliographCore
import HeliographDrivers
import HeliographWeather

/// The device types the configuration accepts under `devices.<id>.type`.
///
/// Adding a device family is adding one `DeviceType` to `all` (its options parser) and one case to
/// `DeviceOptions` plus its driver in `DriverFactory`.
enum DeviceTypes {
    struct DeviceType: Sendable {
        var name: String
        /// Type-specific keys, for the unknown-key check.
        var keys: [String]
        var parse: @Sendable (ConfigurationSection) -> DeviceOptions?
        /// The driver's retry policy (`retry:` overrides it); nil for types that send no requests.
        var defaultRetry: RetryPolicy? = nil
        /// Poll interval when the file gives none.
        var defaultInterval: Duration = .seconds(10)
        /// Poll timeout when the file gives none, for types without a retry policy (the others derive theirs).
        var defaultTimeout: Duration = .seconds(5)
    }

    static let all: [DeviceType] = [
        DeviceType(name: "pi30", keys: ["port", "baud", "queries", "hid"], parse: parsePI30, defaultRetry: PI30Driver.defaultRetry),
        DeviceType(
            name: "deye", keys: ["host", "port", "transport", "logger_serial", "slave_id", "model"], parse: parseDeye, defaultRetry: DeyeDriver.defaultRetry),
        DeviceType(name: "hoymiles", keys: ["host", "port", "unit", "daily_reset_hour"], parse: parseHoymiles, defaultRetry: HoymilesDTUDriver.defaultRetry),
        DeviceType(
            name: "open-meteo",
            keys: ["latitude", "longitude", "base_url", "forecast_hours"],
            parse: parseOpenMeteo,
            defaultRetry: WeatherDriver.defaultRetry,
            defaultInterval: .seconds(600)
        ),
        DeviceType(
            name: "powervault",
            keys: ["device_id", "grid_channel", "house_channel", "aux_channel", "stale_after"],
            parse: parsePowervault
        ),
        DeviceType(name: "mqtt-sensors", keys: ["topics", "kind", "json_key", "fields", "stale_after", "max_fields_per_message", "max_series"], parse: parseMQTTSensors, defaultInterval: .seconds(30)),
    ]

    /// Types read through the `mqtt:` broker connection.
    static let needingMQTT: Set<String> = ["powervault", "mqtt-sensors"]

    private static func parseOpenMeteo(_ section: ConfigurationSection) -> DeviceOptions? {
        var options = OpenMeteoOptions()
        options.latitude = section.double("latitude", in: -90...90)
        options.longitude = section.double("longitude", in: -180...180)
        if let url = section.string("base_url") {
            if url.hasPrefix("http://") || url.hasPrefix("https://") {
                options.baseURL = url
            } else {
                section.problem("base_url", "must start with http:// or https://; got '\(url)'")
            }
        }
        options.forecastHours = section.int("forecast_hours", in: 1...384) ?? options.forecastHours
        return .openMeteo(options)
    }

    private static func parseHoymiles(_ section: ConfigurationSection) -> DeviceOptions? {
        let host = section.string("host")
        let port = section.int("port", in: 1...65_535)
        let unit = section.int("unit", in: 1...254)
        let resetHour = section.int("daily_reset_hour", in: 0...23)
        guard let host else {
            section.problem("host", "missing; the DTU's IP address or host name")
            return nil
        }
        var options = HoymilesOptions(host: host)
        if let port { options.port = port }
        if let unit { options.unit = unit }
        if let resetHour { options.dailyResetHour = resetHour }
        return .hoymiles(options)
    }

    /// Register maps the `deye` type accepts under `model`.
    static let deyeModels = ["deye_single_phase_hybrid", "deye_three_phase_hybrid_lv", "deye_three_phase_hybrid_hv", "deye_string", "deye_micro"]

    private static func parseDeye(_ section: ConfigurationSection) -> DeviceOptions? {
        let host = section.string("host")
        let port = section.int("port", in: 1...65_535)
        let transport = section.string("transport", oneOf: ["v5", "modbus-tcp"])
        let serial = section.int("logger_serial", in: 0...Int(UInt32.max))
        let slave = section.int("slave_id", in: 1...247)
        let model = section.string("model", oneOf: deyeModels)
        guard let host else {
            section.problem("host", "missing; the logger's IP address or host name")
            return nil
        }
        var options = DeyeOptions(host: host, port: port)
        if let transport { options.transport = transport }
        if let serial { options.loggerSerial = UInt32(serial) }
        if let slave { options.slaveID = slave }
        if let model { options.model = model }
        return .deye(options)
    }

    static let commonKeys = ["type", "interval", "timeout"]

    static func parse(id: DeviceID, section: ConfigurationSection) -> DeviceConfiguration? {
        guard section.mapping != nil else {
            section.problem(nil, "expected the device's settings (type, port, ...)")
            return nil
        }
        guard let typeName = section.string("type") else {
            section.problem("type", "missing; one of \(all.map(\.name).joined(separator: ", "))")
            return nil
        }
        guard let type = all.first(where: { $0.name == typeName }) else {
            section.problem("type", "unknown device type '\(typeName)'; one of \(all.map(\.name).joined(separator: ", "))")
            return nil
        }
        let interval = section.duration("interval", in: .milliseconds(100)...(.seconds(86_400)))
        let timeout = section.duration("timeout", in: .milliseconds(50)...(.seconds(600)))
        // Types that send requests settle their retries and poll timeout together (nil: refused).
        let retry = type.defaultRetry.flatMap { DeviceRetry.parse(section, default: $0, timeout: timeout) }
        let options = type.parse(section)
        section.reportUnknownKeys(allowed: commonKeys + (type.defaultRetry == nil ? [] : ["retry"]) + type.keys)
        guard let options, type.defaultRetry == nil || retry != nil else { return nil }
        return DeviceConfiguration(
            id: id,
            type: typeName,
            interval: interval ?? type.defaultInterval,
            timeout: retry?.pollTimeout ?? timeout ?? type.defaultTimeout,
            retry: retry?.policy,
            options: options
        )
    }

    /// Query names the PI30 options accept; the driver decides what it can decode.
    static let pi30Queries = ["QPIGS", "QPIGS2", "QMOD", "QPIRI", "QPIWS", "QID", "QVFW", "QPI", "QFLAG"]

    private static func parsePI30(_ section: ConfigurationSection) -> DeviceOptions? {
        // Read every key before deciding, so one problem does not hide the others.
        let port = section.string("port")
        let baud = section.int("baud", in: 300...921_600)
        let hid = section.bool("hid")
        var queries = section.stringList("queries")?.map { $0.uppercased() }
        if let list = queries {
            let unknown = list.filter { !pi30Queries.contains($0) }
            if !unknown.isEmpty {
                section.problem("queries", "unknown queries \(unknown.joined(separator: ", ")); known: \(pi30Queries.joined(separator: ", "))")
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
        return .pi30(options)
    }
}
