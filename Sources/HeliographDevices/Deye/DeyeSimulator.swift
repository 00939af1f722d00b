import Foundation
import HeliographCore
import HeliographModbus
import HeliographSolarman
import HeliographTransport
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A Solarman V5 logger with a Deye inverter behind it on TCP (or the inverter alone on plain
/// Modbus TCP): serves a register image from
/// `DeyeSimulatedPlant` through a bundled register map, accepts setting writes (functions 0x06 and
/// 0x10, within the map's ranges), and can misbehave on demand for tests (`Faults`).
public final class DeyeSimulator: Service, Sendable {
    public struct Configuration: Sendable, Hashable {
        /// What the simulated device speaks on its port.
        public enum WireProtocol: String, Sendable, Hashable, CaseIterable {
            /// A Solarman logger stick (V5 frames around Modbus RTU), like TCP 8899.
            case solarmanV5 = "v5"
            /// Plain Modbus TCP, like an RS-485 gateway on 502.
            case modbusTCP = "modbus-tcp"
        }

        /// Tests and demos listen on loopback only.
        public var host: String
        /// 0 picks a free port; see `listeningPort()`.
        public var port: Int
        public var loggerSerial: UInt32
        public var slaveID: UInt8
        /// Bundled register map the inverter speaks.
        public var model: String
        /// Inverter serial in registers 3...7.
        public var inverterSerial: String
        /// Simulated seconds per real second (60 = a day in 24 minutes).
        public var timeScale: Double
        /// Simulated clock at start-up, as seconds after midnight UTC (10:00 by default: the sun is up).
        public var startSecondOfDay: Double
        public var wireProtocol: WireProtocol

        public init(
            host: String = "127.0.0.1",
            port: Int = 0,
            loggerSerial: UInt32 = 2_612_749_371,
            slaveID: UInt8 = 1,
            model: String = "deye_single_phase_hybrid",
            inverterSerial: String = "2306012345",
            timeScale: Double = 1,
            startSecondOfDay: Double = 10 * 3_600,
            wireProtocol: WireProtocol = .solarmanV5
        ) {
            self.host = host
            self.port = port
            self.loggerSerial = loggerSerial
            self.slaveID = slaveID
            self.model = model
            self.inverterSerial = inverterSerial
            self.timeScale = timeScale
            self.startSecondOfDay = startSecondOfDay
            self.wireProtocol = wireProtocol
        }
    }

    /// Misbehaviour to inject; counters apply to that many next requests.
    public struct Faults: Sendable, Hashable {
        /// Never answer (a logger that stopped responding).
        public var silent = false
        /// Close the connection instead of answering.
        public var dropConnections = 0
        /// Leave this many requests unanswered and keep the connection (a request lost on the way):
        /// the driver waits out its request timeout, then tries again.
        public var ignoreRequests = 0
        /// Wait this long before answering.
        public var replyDelay: Duration = .zero
        /// Send answers with a wrong V5 checksum.
        public var corruptChecksums = 0
        /// Send a heartbeat and a data push before each answer.
        public var unsolicitedFrames = false
        /// Send AT-command garbage before each answer.
        public var garbage = false
        /// Answer with the short `05 00` payload (inverter not answering the logger).
        public var loggerErrors = 0
        /// Append the double-CRC quirk (`00 00`) to read answers.
        public var doubleCRC = false

        public init() {}
    }

    private struct State {
        var plant = DeyeSimulatedPlant()
        var holding: [UInt16: UInt16] = [:]
        var faults = Faults()
        var requests = 0
        var loggerSequence: UInt8 = 0
        var port: Int?
        var portWaiters: [CheckedContinuation<Int, Never>] = []
    }

    public let configuration: Configuration
    public let map: RegisterMap
    private let logger: Logger
    private let started = Date()
    private let state: Mutex<State>

    public init(configuration: Configuration = Configuration(), logger: Logger = Logger(label: "heliograph.simulator.deye")) throws(HeliographError) {
        self.configuration = configuration
        self.map = try RegisterMap.bundled(configuration.model)
        self.logger = logger
        var initial = State()
        initial.plant = DeyeSimulatedPlant(
            pvPeakWatts: min(5_000, Self.ratedPowerWatts(model: configuration.model)),
            batteryNominalVolts: DeyeSimulatedPlant.nominalBatteryVolts(model: configuration.model)
        )
        initial.holding = Self.initialRegisters(map: map, configuration: configuration)
        self.state = Mutex(initial)
    }

    /// The port it listens on, once it does.
    public func listeningPort() async -> Int {
        await withCheckedContinuation { continuation in
            let ready: Int? = state.withLock { state in
                if let port = state.port { return port }
                state.portWaiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Changes the injected faults.
    public func updateFaults(_ change: (inout Faults) -> Void) { state.withLock { change(&$0.faults) } }

    /// A holding register as the inverter stores it (settings written by clients).
    public func register(_ address: UInt16) -> UInt16? { state.withLock { $0.holding[address] } }

    /// Stores a holding register as if changed on the inverter's own panel or by the vendor's app.
    public func setRegister(_ address: UInt16, _ value: UInt16) { state.withLock { $0.holding[address] = value } }

    /// How many V5 requests arrived (answered or not).
    public var requestCount: Int { state.withLock { $0.requests } }

    public func run() async throws {
        if configuration.wireProtocol == .modbusTCP {
            let server = ModbusTCPServer(
                configuration: .init(host: configuration.host, port: configuration.port),
                logger: logger,
                onReady: { port in self.listening(on: port) },
                handler: { unit, request in await self.answerModbusTCP(unit: unit, request) }
            )
            try await server.run()
            return
        }
        try await TCPServerLoop.run(host: configuration.host, port: configuration.port) { port in
            listening(on: port)
        } serve: { connection in
            await self.serve(connection)
        }
    }

    private func listening(on port: Int) {
        let waiters = state.withLock { state in
            state.port = port
            defer { state.portWaiters = [] }
            return state.portWaiters
        }
        for waiter in waiters { waiter.resume(returning: port) }
        logger.info(
            "Deye simulator listening",
            metadata: ["simulator.port": "\(port)", "simulator.protocol": "\(configuration.wireProtocol.rawValue)", "logger.serial": "\(configuration.loggerSerial)"]
        )
    }

    /// Plain Modbus TCP: the same inverter without the logger; `silent` and `replyDelay` apply.
    func answerModbusTCP(unit: UInt8, _ request: ModbusRequest) async -> ModbusResponse? {
        let now = Date()
        let (response, delay): (ModbusResponse?, Duration) = state.withLock { state in
            state.requests += 1
            guard !state.faults.silent else { return (nil, .zero) }
            if state.faults.ignoreRequests > 0 {
                state.faults.ignoreRequests -= 1
                return (nil, .zero)
            }
            guard unit == configuration.slaveID else {
                return (.exception(function: request.function.rawValue, code: .gatewayTargetFailedToRespond), state.faults.replyDelay)
            }
            let values = state.plant.advance(to: simulatedTime(now))
            return (Self.handle(request, state: &state, map: map, plantValues: values), state.faults.replyDelay)
        }
        if delay > .zero { try? await Task.sleep(for: delay) }
        return response
    }

    private func simulatedTime(_ now: Date) -> Date {
        Date(
            timeIntervalSince1970: now.timeIntervalSince1970 - now.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400)
                + configuration.startSecondOfDay + now.timeIntervalSince(started) * configuration.timeScale
        )
    }

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                for try await item in inbound.decode(using: SolarmanV5FrameDecoder()) {
                    guard case .frame(let frame) = item, frame.controlCode == .request else { continue }
                    switch answer(frame) {
                    case .none:
                        continue
                    case .close:
                        return
                    case .send(let bytes, let delay):
                        if delay > .zero { try await Task.sleep(for: delay) }
                        try await outbound.write(ByteBuffer(bytes: bytes))
                    }
                }
            }
        } catch {
            logger.debug("simulator connection ended", metadata: ["error": "\(error)"])
        }
    }

    private enum Reply {
        case none
        case close
        case send([UInt8], delay: Duration)
    }

    private func answer(_ frame: SolarmanV5Frame) -> Reply {
        let now = Date()
        let simulated = simulatedTime(now)
        return state.withLock { state -> Reply in
            state.requests += 1
            var faults = state.faults
            defer { state.faults = faults }
            if faults.silent { return .none }
            // Real loggers ignore frames for another serial; 0 is the "who are you" serial they answer.
            guard frame.loggerSerial == configuration.loggerSerial || frame.loggerSerial == 0 else { return .none }
            if faults.dropConnections > 0 {
                faults.dropConnections -= 1
                return .close
            }
            if faults.ignoreRequests > 0 {
                faults.ignoreRequests -= 1
                return .none
            }
            var modbus: [UInt8]
            if faults.loggerErrors > 0 {
                faults.loggerErrors -= 1
                modbus = [0x05, 0x00]
            } else if let (unit, request) = try? SolarmanV5RequestPayload.parse(frame.payload).modbusRequest(), unit == configuration.slaveID {
                let response = Self.handle(request, state: &state, map: map, plantValues: state.plant.advance(to: simulated))
                var buffer = ByteBuffer()
                ModbusRTUFrame.encode(unit: unit, response, into: &buffer)
                modbus = Array(buffer.readableBytesView)
                if faults.doubleCRC, case .registers = response { modbus += [0, 0] }
            } else {
                modbus = [0x05, 0x00]
            }
            state.loggerSequence &+= 1
            let uptime = UInt32(max(0, now.timeIntervalSince(started)))
            let payload = SolarmanV5ResponsePayload(
                totalWorkingTime: 5_000_000 + uptime,
                powerOnTime: uptime,
                offsetTime: UInt32(now.timeIntervalSince1970) - 5_000_000 - uptime,
                modbusFrame: modbus
            )
            var bytes = SolarmanV5Frame(
                controlCode: .response,
                sequence: frame.sequence,
                loggerSequence: state.loggerSequence,
                loggerSerial: configuration.loggerSerial,
                payload: payload.bytes
            ).bytes
            if faults.corruptChecksums > 0 {
                faults.corruptChecksums -= 1
                bytes[bytes.count - 2] &+= 1
            }
            var prefix: [UInt8] = []
            if faults.garbage { prefix += Array("AT+YZCMPVER=MW3_16U_5406_2.27\r\n\r\n".utf8) }
            if faults.unsolicitedFrames {
                prefix += SolarmanV5Frame(controlCode: .heartbeat, sequence: 0x8D, loggerSequence: state.loggerSequence, loggerSerial: configuration.loggerSerial, payload: [0]).bytes
                prefix += SolarmanV5Frame(controlCode: .data, sequence: frame.sequence, loggerSequence: state.loggerSequence, loggerSerial: configuration.loggerSerial, payload: [1, 1, 0, 0, 0, 0]).bytes
                // A stale answer to an older request must not be taken for this one.
                prefix += SolarmanV5Frame(controlCode: .response, sequence: frame.sequence &- 1, loggerSequence: state.loggerSequence, loggerSerial: configuration.loggerSerial, payload: payload.bytes).bytes
            }
            return .send(prefix + bytes, delay: faults.replyDelay)
        }
    }

    /// The inverter's Modbus behaviour: reads of any register, writes only to the map's settings and within range.
    private static func handle(_ request: ModbusRequest, state: inout State, map: RegisterMap, plantValues: [FieldID: FieldValue]) -> ModbusResponse {
        let live = liveRegisters(map: map, plantValues: plantValues)
        switch request {
        case .readHoldingRegisters(let address, let count), .readInputRegisters(let address, let count):
            guard (1...ModbusRequest.maximumReadCount).contains(count) else {
                return .exception(function: request.function.rawValue, code: .illegalDataValue)
            }
            guard Int(address) + Int(count) <= 0x8000 else {
                return .exception(function: request.function.rawValue, code: .illegalDataAddress)
            }
            let values = (0..<count).map { offset in
                let register = address + offset
                return live[register] ?? state.holding[register] ?? 0
            }
            return .registers(function: request.function, values: values)
        case .writeSingleRegister(let address, let value):
            // Most firmwares answer 0x06 as well as 0x10 (the driver itself writes with 0x10).
            if let refusal = refusal(writing: [value], at: address, map: map) {
                return .exception(function: request.function.rawValue, code: refusal)
            }
            state.holding[address] = value
            return .wroteSingleRegister(address: address, value: value)
        case .writeMultipleRegisters(let address, let values):
            if let refusal = refusal(writing: values, at: address, map: map) {
                return .exception(function: request.function.rawValue, code: refusal)
            }
            for (offset, value) in values.enumerated() { state.holding[address + UInt16(offset)] = value }
            return .wroteMultipleRegisters(address: address, count: UInt16(values.count))
        }
    }

    /// The registers the plant's values fill, completed for the map (phases, currents; see
    /// `DeyeSimulatedPlant.completed`): plain fields first, then computed ones on the registers left.
    public static func liveRegisters(map: RegisterMap, plantValues: [FieldID: FieldValue]) -> [UInt16: UInt16] {
        let values = DeyeSimulatedPlant.completed(plantValues, for: map)
        var live: [UInt16: UInt16] = [:]
        for (id, value) in values {
            guard let field = map.field(id), let words = field.encode(value) else { continue }
            for (register, word) in words { live[register] = word }
        }
        for field in map.fields where field.sum != nil {
            guard let value = values[field.id], let words = field.encodeSum(value, known: live) else { continue }
            for (register, word) in words { live[register] = word }
        }
        return live
    }

    /// Why a write is refused (a register that is no setting, a value outside its range), or nil.
    private static func refusal(writing values: [UInt16], at address: UInt16, map: RegisterMap) -> ModbusExceptionCode? {
        for (offset, value) in values.enumerated() {
            let register = address + UInt16(offset)
            guard let setting = map.settings.first(where: { $0.register == register }) else { return .illegalDataAddress }
            let physical = Double(value) * setting.scale
            let allowed: Bool =
                switch setting.kind {
                case .choice: setting.options.contains { $0.value == value }
                case .number: physical >= setting.min - 1e-9 && physical <= setting.max + 1e-9
                case .toggle: setting.bit != nil || value <= 1
                case .time: value / 100 < 24 && value % 100 < 60
                }
            guard allowed else { return .illegalDataValue }
        }
        return nil
    }

    /// The nameplate power of the simulated model (W).
    static func ratedPowerWatts(model: String) -> Double {
        if model.contains("three_phase") { return 12_000 }
        if model.contains("micro") { return 800 }
        if model.contains("string") { return 10_000 }
        return 5_000
    }

    /// Identity registers and settings at factory-like defaults.
    private static func initialRegisters(map: RegisterMap, configuration: Configuration) -> [UInt16: UInt16] {
        var registers: [UInt16: UInt16] = [0: map.deviceTypes.first ?? 0, 1: UInt16(configuration.slaveID)]
        let serial = Array(configuration.inverterSerial.utf8.prefix(10)) + [UInt8](repeating: 0x20, count: max(0, 10 - configuration.inverterSerial.utf8.count))
        for index in 0..<5 { registers[3 + UInt16(index)] = UInt16(serial[2 * index]) << 8 | UInt16(serial[2 * index + 1]) }
        // Rated power, S32 in 0.1 W, low word first: 0x0010 on single-phase models, 0x0014 on three-phase ones.
        let ratedTenthsOfWatts = UInt32(ratedPowerWatts(model: configuration.model) * 10)
        let ratedRegister: UInt16 = configuration.model.contains("three_phase") ? 0x0014 : 0x0010
        registers[ratedRegister] = UInt16(truncatingIfNeeded: ratedTenthsOfWatts)
        registers[ratedRegister + 1] = UInt16(truncatingIfNeeded: ratedTenthsOfWatts >> 16)
        let defaults: [FieldID: FieldValue] = [
            "work_mode": "zero_export_to_ct", "energy_pattern": "load_first", "battery_max_charge_current_a": 100,
            "battery_max_discharge_current_a": 100, "grid_charge_current_a": 40, "grid_charge_enabled": false,
            "solar_sell_enabled": false, "battery_low_soc_pct": 20, "active_power_limit_pct": 100,
        ]
        for (id, value) in defaults {
            guard let field = map.field(id), let words = field.encode(value) else { continue }
            for (register, word) in words { registers[register] = word }
        }
        for slot in 1...6 {
            for (suffix, value) in [("start_hhmm", FieldValue.number(Double([0, 500, 900, 1300, 1700, 2100][slot - 1]))), ("soc_pct", 20), ("power_w", 5000)] {
                guard let field = map.field(FieldID("tou_slot\(slot)_\(suffix)")), let words = field.encode(value) else { continue }
                for (register, word) in words { registers[register] = word }
            }
        }
        return registers
    }
}
