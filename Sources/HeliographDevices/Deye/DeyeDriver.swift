import Foundation
import HeliographCore
import HeliographModbus
import HeliographSolarman
import HeliographTransport
import Logging
import Synchronization

/// Deye/Sunsynk inverters (hybrid single/three phase, string, micro) through a Solarman V5 logger
/// or plain Modbus TCP (same register maps), decoded with a register map shipped as data.
///
/// Each poll opens one connection, reads the planned register ranges (settings only every
/// `slowReadInterval`), and closes it; a logger that stopped answering is simply reconnected on the
/// next poll. Timeouts and dropped connections are retried inside the poll with backoff and jitter.
public struct DeyeDriver: PolledDriver, SettingsDriver {
    public let device: DeviceID
    public let transport: any ByteTransport
    public let configuration: Configuration
    public let map: RegisterMap
    private let state: DriverState

    /// Mutable bits shared by copies of the driver: sequence counter, learned serial, slow-read clock.
    final class DriverState: Sendable {
        struct Values {
            var sequence = UInt8.random(in: 1...254)
            var transaction = UInt16.random(in: 1...0xFFF0)
            var learnedSerial: UInt32?
            var lastSlowRead: ContinuousClock.Instant?
            /// Once the logger has answered, silence means trouble, not a wrong serial.
            var hasAnswered = false
        }
        let values = Mutex(Values())
        /// The settings as last read, with the time of the read.
        let readings = SettingReadings()
    }

    /// Loads the bundled map named by `configuration.model`.
    public init(device: DeviceID, transport: any ByteTransport, configuration: Configuration) throws(HeliographError) {
        try self.init(device: device, transport: transport, configuration: configuration, map: RegisterMap.bundled(configuration.model))
    }

    /// Uses a custom register map (e.g. loaded from a user file).
    public init(device: DeviceID, transport: any ByteTransport, configuration: Configuration, map: RegisterMap) throws(HeliographError) {
        self.device = device
        self.transport = transport
        self.configuration = configuration
        self.map = map
        self.state = DriverState()
    }

    // MARK: PolledDriver

    public func describe(logger: Logger) async throws -> DeviceDescriptor {
        var descriptor = DeviceDescriptor(
            kind: map.kind,
            id: device,
            name: configuration.name,
            manufacturer: map.manufacturer,
            model: map.title,
            fields: map.fieldDescriptors
        )
        // Identity is nice to have; an unreachable inverter must not stop the daemon from starting.
        do {
            let identity = try await readRegisters([RegisterRange(start: 0, count: 8)], logger: logger)
            let serial = RegisterField(id: "inverter_serial", name: "Serial", type: .ascii, registers: [3, 4, 5, 6, 7])
            descriptor.serial = serial.decode(identity)?.text
            if let type = identity[0], !map.deviceTypes.isEmpty, !map.deviceTypes.contains(type) {
                logger.info(
                    "inverter reports a device type the register map is not meant for",
                    metadata: ["device.id": "\(device)", "device.type": "\(type)", "device.map": "\(map.name)"]
                )
            }
        } catch {
            logger.info("could not read inverter identity", metadata: ["device.id": "\(device)", "error": "\(error)"])
        }
        return descriptor
    }

    public func poll(logger: Logger) async throws -> [Sample] {
        let clock = ContinuousClock()
        let now = clock.now
        let slowDue = state.values.withLock { values in
            values.lastSlowRead.map { now - $0 >= configuration.slowReadInterval } ?? true
        }
        let live = map.readPlan(includingSlow: false)
        // Settings are planned on their own so a firmware that rejects one of their ranges only
        // loses that read-back, never the live values.
        let settings = slowDue ? Self.settingsPlan(map) : []
        let image = try await readRegisters(live, optional: settings, logger: logger)
        let readAt = Date()
        if slowDue {
            state.values.withLock { $0.lastSlowRead = now }
            state.readings.record(Self.settingValues(map, image), at: readAt)
        }
        let values = map.decode(image, includingSlow: slowDue)
        return [Sample(device: device, time: readAt, values: values)]
    }

    /// The value of every setting whose register is in `image`, decoded as the command API takes it.
    static func settingValues(_ map: RegisterMap, _ image: RegisterImage) -> [String: SettingValue] {
        var values: [String: SettingValue] = [:]
        for setting in map.settings {
            if let raw = image[setting.register] { values[setting.id] = setting.settingValue(from: raw) }
        }
        return values
    }

    /// Ranges holding only the slow (settings read-back) registers.
    static func settingsPlan(_ map: RegisterMap) -> [RegisterRange] {
        let slowOnly = map.registers(includingSlow: true).subtracting(map.registers(includingSlow: false))
        return ReadPlanner.plan(slowOnly, maxGap: map.maxReadGap)
    }

    // MARK: SettingsDriver

    public var settings: [SettingDescriptor] { map.settings.map(\.descriptor) }

    public func currentSettings() -> [String: SettingReading] { state.readings.all }

    public func apply(_ change: SettingChange, logger: Logger) async throws -> SettingOutcome {
        guard let setting = map.setting(change.setting) else {
            throw HeliographError(.settingRejected, "\(device) has no setting \(change.setting)", device: device)
        }
        var current: UInt16?
        if setting.bit != nil {
            current = try await readRegisters([RegisterRange(start: setting.register, count: 1)], logger: logger)[setting.register]
        }
        let raw: UInt16
        do {
            raw = try setting.registerValue(for: change.value, current: current)
        } catch {
            throw error.on(device)
        }
        // Deye firmwares want function 0x10 even for one register; read back right after on the same
        // connection, then the whole settings block, so every current value is fresh after a change.
        let write = ModbusRequest.writeMultipleRegisters(address: setting.register, values: [raw])
        let readBack = ModbusRequest.readHoldingRegisters(address: setting.register, count: 1)
        let settingsBlock = Self.settingsPlan(map)
        let blockRequests = settingsBlock.map(map.request(for:))
        let responses = try await exchange([write, readBack] + blockRequests, logger: logger, retrying: false)
        switch responses[0] {
        case .wroteMultipleRegisters(let address, let count) where address == setting.register && count == 1:
            break
        case .exception(_, let code):
            throw HeliographError(.deviceRejected, "inverter refused \(write.summary): Modbus exception \(code)", device: device)
        default:
            throw HeliographError(.unexpectedResponse, "inverter answered \(write.summary) with \(responses[0])", device: device)
        }
        let registers: [UInt16]
        do {
            registers = try responses[1].registers(for: readBack)
        } catch {
            throw error.on(device)
        }
        var block = RegisterImage()
        for (index, range) in settingsBlock.enumerated() {
            // A range this firmware refuses only leaves its settings at their older reading.
            if let values = try? responses[2 + index].registers(for: blockRequests[index]) { block.insert(start: range.start, values: values) }
        }
        block.insert(start: setting.register, values: registers)
        state.readings.record(Self.settingValues(map, block), at: Date())
        // The next poll reads the block again, so the samples (and the history) carry the change too.
        state.values.withLock { $0.lastSlowRead = nil }
        let value = setting.settingValue(from: registers[0])
        let expected = setting.settingValue(from: raw)
        logger.info(
            "setting written",
            metadata: ["device.id": "\(device)", "setting.id": "\(setting.id)", "setting.value": "\(change.value)", "setting.readBack": "\(value)"]
        )
        return SettingOutcome(
            accepted: value == expected,
            readBack: value,
            message: value == expected
                ? "\(setting.id) set to \(value)" : "inverter acknowledged \(setting.id) = \(change.value) but reads back \(value)"
        )
    }

    // MARK: Reading

    /// Reads the ranges into one image on one connection, with retries. A Modbus exception on a
    /// required range fails the read; on an optional range it is logged and the range left out.
    func readRegisters(_ ranges: [RegisterRange], optional: [RegisterRange] = [], logger: Logger) async throws -> RegisterImage {
        let all = ranges + optional
        let requests = all.map(map.request(for:))
        let responses = try await exchange(requests, logger: logger, retrying: true)
        var image = RegisterImage()
        for (index, response) in responses.enumerated() {
            do {
                image.insert(start: all[index].start, values: try response.registers(for: requests[index]))
            } catch {
                var error = error.on(device)
                error.message = "\(requests[index].summary): \(error.message)"
                guard index >= ranges.count else { throw error }
                logger.info("settings read-back failed", metadata: ["device.id": "\(device)", "error": "\(error)"])
            }
        }
        return image
    }

    /// One connection, all requests; retried by `configuration.retry` on timeouts and connection trouble.
    func exchange(_ requests: [ModbusRequest], logger: Logger, retrying: Bool) async throws -> [ModbusResponse] {
        let policy = retrying ? configuration.retry : configuration.retry.once
        do {
            return try await policy.run(
                willRetry: { attempt, delay, error in
                    logger.debug(
                        "retrying after a transient failure",
                        metadata: ["device.id": "\(device)", "attempt": "\(attempt)", "delay": "\(delay)", "error": "\(error)"]
                    )
                }
            ) {
                try await exchangeOnce(requests, logger: logger)
            }
        } catch let error as HeliographError {
            let error = error.on(device)
            if error.code == .timeout, let diagnosis = await diagnoseSilence(logger: logger) { throw diagnosis }
            throw error
        }
    }

    private func exchangeOnce(_ requests: [ModbusRequest], logger: Logger) async throws -> [ModbusResponse] {
        let (sequence, transaction, serial) = state.values.withLock { values in
            defer {
                values.sequence &+= UInt8(truncatingIfNeeded: requests.count)
                values.transaction &+= UInt16(truncatingIfNeeded: requests.count)
            }
            return (values.sequence, values.transaction, values.learnedSerial ?? configuration.loggerSerial)
        }
        let progress = DeyeExchangeProgress(timeout: configuration.requestTimeout)
        let responses: [ModbusResponse]
        switch configuration.transportKind {
        case .solarmanV5:
            let exchange = SolarmanV5Exchange(
                transport: transport,
                loggerSerial: serial,
                slaveID: configuration.slaveID,
                initialSequence: sequence,
                answersHeartbeats: configuration.answersHeartbeats,
                requestTimeout: configuration.requestTimeout
            )
            responses = try await exchange.run(requests, logger: logger, progress: progress)
            if serial == 0, let learned = progress.learnedSerial, learned != 0 {
                state.values.withLock { $0.learnedSerial = learned }
                logger.info("learned logger serial", metadata: ["device.id": "\(device)", "logger.serial": "\(learned)"])
            }
        case .modbusTCP:
            let exchange = DeyeModbusTCPExchange(
                transport: transport,
                unit: configuration.slaveID,
                firstTransactionID: transaction,
                requestTimeout: configuration.requestTimeout
            )
            responses = try await exchange.run(requests, logger: logger, progress: progress)
        }
        state.values.withLock { $0.hasAnswered = true }
        return responses
    }

    /// A logger ignores requests that carry another serial, which looks like silence. Asking once with
    /// serial 0 (which loggers answer) tells the two apart.
    private func diagnoseSilence(logger: Logger) async -> HeliographError? {
        guard configuration.transportKind == .solarmanV5, configuration.loggerSerial != 0, !state.values.withLock({ $0.hasAnswered })
        else { return nil }
        let probe = SolarmanV5Exchange(
            transport: transport,
            loggerSerial: 0,
            slaveID: configuration.slaveID,
            initialSequence: state.values.withLock { $0.sequence },
            answersHeartbeats: configuration.answersHeartbeats,
            // One short read; a generous wait keeps a busy logger from hiding the real cause.
            requestTimeout: max(configuration.requestTimeout, .seconds(2))
        )
        let progress = DeyeExchangeProgress(timeout: probe.requestTimeout)
        guard (try? await probe.run([.readHoldingRegisters(address: 0, count: 1)], logger: logger, progress: progress)) != nil,
            let actual = progress.learnedSerial, actual != configuration.loggerSerial
        else { return nil }
        return HeliographError(
            .invalidConfiguration,
            "wrong logger serial: configured \(configuration.loggerSerial), the logger at \(transport.address) is \(actual)",
            device: device
        )
    }

}
