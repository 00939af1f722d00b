import HeliographCore
import Foundation
import HeliographDrivers
import HeliographHoymiles
import HeliographPI30
import HeliographPipeline
import HeliographTransport
import Logging

/// Names the concrete driver for each configured device. Only the composition root does this.
enum DriverFactory {
    static func makeDevice(_ device: DeviceConfiguration, timeZone: TimeZone = .current, logger: Logger) throws -> PolledDevice {
        switch device.options {
        case .pi30(let options):
            let driver = makePI30Driver(device: device.id, options: options, timeout: device.timeout)
            return PolledDevice(driver: driver, interval: device.interval, timeout: device.timeout)
        case .deye(let options):
            let configuration = DeyeDriver.Configuration(
                loggerSerial: options.loggerSerial,
                slaveID: UInt8(options.slaveID),
                model: options.model,
                transportKind: DeyeDriver.Configuration.TransportKind(rawValue: options.transport) ?? .solarmanV5,
                requestTimeout: min(device.timeout, .seconds(5))
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
                    requestTimeout: min(device.timeout, .seconds(3))
                )
            )
            return PolledDevice(driver: driver, interval: device.interval, timeout: device.timeout, service: driver)
        }
    }

    static func makePI30Driver(device: DeviceID, options: PI30Options, timeout: Duration) -> PI30Driver {
        let transport: any ByteTransport =
            options.hid ? HIDTransport(path: options.port) : SerialTransport(path: options.port, baudRate: options.baud)
        let configuration = PI30Driver.Configuration(
            commandTimeout: min(timeout, .seconds(3)),
            pollQueries: options.queries.map { PI30Command($0) },
            framing: options.hid ? .hid : .serial
        )
        return PI30Driver(device: device, transport: transport, configuration: configuration)
    }
}
