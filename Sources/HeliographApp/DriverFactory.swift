import HeliographCore
import Foundation
import HeliographDrivers
import HeliographHoymiles
import HeliographMQTT
import HeliographPI30
import HeliographPipeline
import HeliographTransport
import HeliographWeather
import Logging

/// Names the concrete driver for each configured device. Only the composition root does this.
enum DriverFactory {
    static func makeDevice(
        _ device: DeviceConfiguration,
        timeZone: TimeZone = .current,
        site: HeliographConfiguration.Site = .init(),
        mqtt: MQTTClient? = nil,
        clock: DaemonClock = .wall,
        logger: Logger
    ) throws -> PolledDevice {
        switch device.options {
        case .powervault(let options):
            guard let mqtt else { throw HeliographError(.invalidConfiguration, "a powervault device needs the mqtt: section", device: device.id) }
            let driver = PowervaultSource.makeDriver(
                device: device.id,
                deviceID: options.deviceID,
                roles: .init(grid: options.gridChannel, house: options.houseChannel, auxiliary: options.auxiliaryChannel),
                subscriber: mqtt,
                staleAfter: options.staleAfter,
                logger: logger
            )
            return PolledDevice(driver: driver, interval: device.interval, timeout: device.timeout, service: driver)
        case .mqttSensors(let options):
            guard let mqtt else { throw HeliographError(.invalidConfiguration, "an mqtt-sensors device needs the mqtt: section", device: device.id) }
            let driver = makeSensorDriver(device: device.id, options: options, subscriber: mqtt, logger: logger)
            return PolledDevice(driver: driver, interval: device.interval, timeout: device.timeout, service: driver)
        case .openMeteo(let options):
            guard let latitude = options.latitude ?? site.latitude, let longitude = options.longitude ?? site.longitude else {
                throw HeliographError(.invalidConfiguration, "an open-meteo source needs latitude and longitude", device: device.id)
            }
            let request = OpenMeteoRequest(baseURL: options.baseURL, latitude: latitude, longitude: longitude, forecastHours: options.forecastHours)
            let retry = device.retryPolicy(default: WeatherDriver.defaultRetry)
            let driver = WeatherDriver(device: device.id, client: OpenMeteoClient(request: request, timeout: retry.attemptTimeout), retry: retry)
            return PolledDevice(driver: driver, interval: device.interval, timeout: device.timeout)
        case .pi30(let options):
            let driver = makePI30Driver(device: device.id, options: options, retry: device.retryPolicy(default: PI30Driver.defaultRetry), now: clock.now)
            return PolledDevice(driver: driver, interval: device.interval, timeout: device.timeout)
        case .deye(let options):
            let configuration = DeyeDriver.Configuration(
                loggerSerial: options.loggerSerial,
                slaveID: UInt8(options.slaveID),
                model: options.model,
                transportKind: DeyeDriver.Configuration.TransportKind(rawValue: options.transport) ?? .solarmanV5,
                retry: device.retryPolicy(default: DeyeDriver.defaultRetry)
            )
            let driver = try DeyeDriver(device: device.id, host: options.host, port: options.port, configuration: configuration)
            return PolledDevice(driver: driver, interval: device.interval, timeout: device.timeout)
        case .hoymiles(let options):
            let driver = HoymilesDTUDriver(
                configuration: .init(
                    device: device.id,
                    host: options.host,
                    port: options.port,
                    unit: UInt8(options.unit),
                    dailyReset: HoymilesDailyReset(hour: options.dailyResetHour, timeZone: timeZone),
                    retry: device.retryPolicy(default: HoymilesDTUDriver.defaultRetry)
                ),
                now: clock.now
            )
            return PolledDevice(driver: driver, interval: device.interval, timeout: device.timeout, service: driver)
        }
    }

    static func makeSensorDriver(device: DeviceID, options: MQTTSensorOptions, subscriber: any MQTTPublisher, logger: Logger) -> MQTTSourceDriver {
        var rules: [String: MQTTSensorMapping.Rule] = [:]
        for field in options.fields {
            rules[field.topic] = .init(field: field.field, name: field.name, unit: field.unit, jsonKey: field.jsonKey, scale: field.scale)
        }
        let mapping = MQTTSensorMapping(filters: options.topics, rules: rules, jsonKey: options.jsonKey)
        let names = ["house": "House sensors", "weather": "Weather sensors"]
        let descriptor = DeviceDescriptor(
            kind: options.kind, id: device, name: names[options.kind] ?? device.rawValue, manufacturer: "MQTT", model: "Sensor topics",
            fields: mapping.declaredFields)
        return MQTTSourceDriver(
            descriptor: descriptor,
            subscriber: subscriber,
            configuration: .init(
                filters: mapping.subscriptions, staleAfter: options.staleAfter,
                maximumFieldsPerMessage: options.maximumFieldsPerMessage, maximumSeries: options.maximumSeries),
            logger: logger
        ) { topic, payload in try mapping.decode(topic: topic, payload: payload) }
    }

    static func makePI30Driver(
        device: DeviceID, options: PI30Options, retry: RetryPolicy = PI30Driver.defaultRetry, now: @escaping @Sendable () -> Date = { Date() }
    ) -> PI30Driver {
        let transport: any ByteTransport =
            options.hid ? HIDTransport(path: options.port) : SerialTransport(path: options.port, baudRate: options.baud)
        let configuration = PI30Driver.Configuration(
            retry: retry,
            pollQueries: options.queries.map { PI30Command($0) },
            framing: options.hid ? .hid : .serial
        )
        return PI30Driver(device: device, transport: transport, configuration: configuration, now: now)
    }

    /// The expected-output estimate as a polled device, fed by the live feed and the weather source's cloud cover.
    static func makeSolarEstimate(
        _ solar: SolarConfiguration,
        site: HeliographConfiguration.Site,
        devices: [PolledDevice],
        feed: any LiveFeed
    ) throws -> PolledDevice {
        guard let latitude = site.latitude, let longitude = site.longitude else {
            throw HeliographError(.invalidConfiguration, "solar: the expected-output estimate needs site.latitude and site.longitude")
        }
        let weather = solar.weather.flatMap { id in devices.first { $0.device == id }?.driver as? WeatherDriver }
        let driver = SolarEstimateDriver(
            device: solar.device,
            configuration: .init(
                latitude: latitude,
                longitude: longitude,
                arrays: solar.arrays.map { PVArray(peakPowerKW: $0.peakPowerKW, tilt: $0.tilt, azimuth: $0.azimuth, lossesPct: $0.lossesPct) },
                producers: solar.producers,
                timeZone: TimeZone(identifier: site.timeZone) ?? .current
            ),
            feed: feed,
            cloudCover: { time in weather?.report?.cloudCover(at: time) }
        )
        return PolledDevice(driver: driver, interval: solar.interval, timeout: .seconds(5), service: driver)
    }
}

extension DeviceConfiguration {
    /// The configured policy; for a configuration built in code without one, the driver's default
    /// fitted into the poll timeout (or one attempt of the whole timeout when even that cannot fit).
    func retryPolicy(default defaultPolicy: RetryPolicy) -> RetryPolicy {
        retry ?? defaultPolicy.fitted(within: timeout) ?? RetryPolicy(attemptTimeout: timeout)
    }
}
