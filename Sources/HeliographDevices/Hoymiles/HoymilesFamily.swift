import HeliographConfigFile
import HeliographCore
import HeliographHoymiles
import HeliographPipeline

/// Options of a Hoymiles DTU-Pro / DTU-Pro-S read over Modbus TCP (`type: hoymiles`). Every
/// inverter behind it appears as its own device (`<id>-<serial>`), registered when first seen.
public struct HoymilesOptions: DeviceFamilyOptions {
    /// The DTU's address.
    public var host: String
    /// Default 502.
    public var port: Int
    /// Modbus unit id set in the Hoymiles app; default 1.
    public var unit: Int
    /// Local hour at which the DTU restarts its daily counters; default 0 (midnight, site time zone).
    public var dailyResetHour: Int
    /// Modbus requests sent before the first is answered (`max_in_flight`, 1…8); default 1, because
    /// gateways and servers such as pymodbus answer only the first of several arriving together.
    public var maximumInFlight: Int

    public init(host: String, port: Int = 502, unit: Int = 1, dailyResetHour: Int = 0, maximumInFlight: Int = HoymilesDTUDriver.defaultMaximumInFlight) {
        self.host = host
        self.port = port
        self.unit = unit
        self.dailyResetHour = dailyResetHour
        self.maximumInFlight = maximumInFlight
    }

    static func parse(_ section: ConfigurationSection) -> HoymilesOptions? {
        let host = section.string("host")
        let port = section.int("port", in: 1...65_535)
        let unit = section.int("unit", in: 1...254)
        let resetHour = section.int("daily_reset_hour", in: 0...23)
        let maximumInFlight = section.int("max_in_flight", in: 1...8)
        guard let host else {
            section.problem("host", "missing; the DTU's IP address or host name")
            return nil
        }
        var options = HoymilesOptions(host: host)
        if let port { options.port = port }
        if let unit { options.unit = unit }
        if let resetHour { options.dailyResetHour = resetHour }
        if let maximumInFlight { options.maximumInFlight = maximumInFlight }
        return options
    }
}

extension DeviceFamily {
    /// Hoymiles DTU-Pro / DTU-Pro-S and the micro-inverters behind it, over Modbus TCP.
    public static let hoymiles = DeviceFamily(
        name: "hoymiles",
        keys: ["host", "port", "unit", "daily_reset_hour", "max_in_flight"],
        defaultRetry: HoymilesDTUDriver.defaultRetry,
        parse: HoymilesOptions.parse,
        makeDevice: { options, device, context in
            // After a restart, each inverter's totals as last stored (a dead one's would be unknown).
            var lastKnownTotals: HoymilesDTUDriver.LastKnownTotals?
            if let store = context.store {
                let queries = HoymilesQueries(store: store)
                let dtu = device.id
                lastKnownTotals = { @Sendable in try await queries.lastKnownTotals(dtu: dtu) }
            }
            let driver = HoymilesDTUDriver(
                configuration: .init(
                    device: device.id,
                    host: options.host,
                    port: options.port,
                    unit: UInt8(options.unit),
                    dailyReset: HoymilesDailyReset(hour: options.dailyResetHour, timeZone: context.timeZone),
                    retry: device.retryPolicy(default: HoymilesDTUDriver.defaultRetry),
                    maximumInFlight: options.maximumInFlight
                ),
                now: context.now,
                lastKnownTotals: lastKnownTotals
            )
            return PolledDevice(driver: driver, interval: device.interval, timeout: device.timeout, service: driver)
        },
        simulateCommand: SimulateHoymilesCommand.self,
        metrics: [
            MetricDescription(label: "heliograph.hoymiles.queries", name: "heliograph_hoymiles_queries_total", help: "Modbus queries sent to a Hoymiles DTU"),
            MetricDescription(label: "heliograph.hoymiles.errors", name: "heliograph_hoymiles_errors_total", help: "Modbus queries to a Hoymiles DTU that failed"),
            MetricDescription(
                label: "heliograph.hoymiles.query.duration", name: "heliograph_hoymiles_query_duration_seconds", help: "Time one Modbus query to a Hoymiles DTU took"),
        ]
    )
}
