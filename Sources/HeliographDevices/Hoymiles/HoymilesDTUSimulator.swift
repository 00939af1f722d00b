import Foundation
import HeliographCore
import HeliographHoymiles
import HeliographModbus
import Logging
import ServiceLifecycle
import Synchronization

/// Plays a Hoymiles DTU-Pro on Modbus TCP: DTU serial at 0x2000, one 40-byte block per inverter
/// port from 0x1000 (byte addresses, 20 registers per block), empty blocks after the last port.
/// Requests on one connection are answered one at a time in order, as the gateway does.
///
/// Values follow the sun of the simulator's clock: power rises and falls over the day with a
/// little jitter, daily counters restart at local midnight, totals only grow. At night the
/// inverters sleep and, like a real DTU, every field of their blocks reads 0. Tests can make the
/// DTU lose an inverter (zeros by day) or raise an alarm.
public final class HoymilesDTUSimulator: Service {
    /// One simulated micro-inverter.
    public struct Inverter: Sendable, Hashable {
        public var serial: HoymilesSerialNumber
        public var portCount: Int
        /// Output of each port at full sun.
        public var peakWattsPerPort: Double
        /// Lifetime production before the reference day, per port.
        public var baseTotalWh: UInt32

        public init(serial: HoymilesSerialNumber, portCount: Int, peakWattsPerPort: Double = 350, baseTotalWh: UInt32 = 500_000) {
            self.serial = serial
            self.portCount = portCount
            self.peakWattsPerPort = peakWattsPerPort
            self.baseTotalWh = baseTotalWh
        }
    }

    public struct Configuration: Sendable, Hashable {
        public var host: String
        public var port: Int
        public var unit: UInt8
        public var dtuSerial: HoymilesSerialNumber
        public var inverters: [Inverter]
        /// The DTU's local time: the sun and the daily counters follow it.
        public var timeZone: TimeZone
        public var sunriseHour: Double
        public var sunsetHour: Double
        /// Answer the requests of one connection concurrently rather than one at a time in order
        /// like the real gateway: a test option for clients that pipeline (see `ModbusTCPServer`).
        public var answersConcurrently: Bool

        public init(
            host: String = "127.0.0.1",
            port: Int = 0,
            unit: UInt8 = 1,
            dtuSerial: HoymilesSerialNumber = HoymilesSerialNumber("11d361600831")!,
            inverters: [Inverter] = HoymilesDTUSimulator.defaultInverters,
            timeZone: TimeZone = TimeZone(identifier: "UTC")!,
            sunriseHour: Double = 6,
            sunsetHour: Double = 18,
            answersConcurrently: Bool = false
        ) {
            self.host = host
            self.port = port
            self.unit = unit
            self.dtuSerial = dtuSerial
            self.inverters = inverters
            self.timeZone = timeZone
            self.sunriseHour = sunriseHour
            self.sunsetHour = sunsetHour
            self.answersConcurrently = answersConcurrently
        }
    }

    /// An MI-600 (2 ports), an HM-1500 (4 ports) and an HM-400 (1 port).
    public static let defaultInverters: [Inverter] = [
        Inverter(serial: HoymilesSerialNumber("103332416355")!, portCount: 2, peakWattsPerPort: 300, baseTotalWh: 74_823),
        Inverter(serial: HoymilesSerialNumber("116180012345")!, portCount: 4, peakWattsPerPort: 380, baseTotalWh: 1_250_000),
        Inverter(serial: HoymilesSerialNumber("112182654321")!, portCount: 1, peakWattsPerPort: 400, baseTotalWh: 310_000),
    ]

    private struct Faults: Sendable {
        var lost: Set<HoymilesSerialNumber> = []
        var alarms: [HoymilesSerialNumber: UInt16] = [:]
        var requests = 0
    }

    public let configuration: Configuration
    private let now: @Sendable () -> Date
    private let onReady: @Sendable (Int) async -> Void
    private let logger: Logger
    private let faults = Mutex(Faults())

    public init(
        configuration: Configuration = Configuration(),
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "heliograph.simulator.hoymiles"),
        onReady: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.now = now
        self.logger = logger
        self.onReady = onReady
    }

    public func run() async throws {
        let server = ModbusTCPServer(
            configuration: .init(host: configuration.host, port: configuration.port, answersConcurrently: configuration.answersConcurrently),
            logger: logger,
            onReady: onReady
        ) { [self] unit, request in
            respond(unit: unit, request: request)
        }
        try await server.run()
    }

    /// The DTU loses (or regains) contact with an inverter: its blocks read all zeros.
    public func setLost(_ serial: HoymilesSerialNumber, _ lost: Bool) {
        faults.withLock { faults in
            if lost { faults.lost.insert(serial) } else { faults.lost.remove(serial) }
        }
    }

    /// Sets (or clears with 0) the alarm code an inverter reports.
    public func setAlarm(_ serial: HoymilesSerialNumber, code: UInt16) {
        faults.withLock { $0.alarms[serial] = code == 0 ? nil : code }
    }

    /// Requests answered so far.
    public var requestCount: Int { faults.withLock { $0.requests } }

    /// The answer to one request (the server calls this; tests may too).
    public func respond(unit: UInt8, request: ModbusRequest) -> ModbusResponse? {
        faults.withLock { $0.requests += 1 }
        guard unit == configuration.unit else { return nil }  // another unit on the bus: silence
        guard case .readHoldingRegisters(let address, let count) = request else {
            return .exception(function: request.function.rawValue, code: .illegalFunction)
        }
        guard let bytes = bytes(at: Int(address), count: Int(count) * 2, time: now()) else {
            return .exception(function: request.function.rawValue, code: .illegalDataAddress)
        }
        return .registers(function: .readHoldingRegisters, values: HoymilesRegisterMap.registers(of: bytes))
    }

    // MARK: Register image

    private var portCount: Int { configuration.inverters.reduce(0) { $0 + $1.portCount } }

    /// The bytes at DTU byte addresses `start ..< start + count`, or nil outside the map.
    func bytes(at start: Int, count: Int, time: Date) -> [UInt8]? {
        let serialRange = Int(HoymilesRegisterMap.dtuSerialAddress)..<Int(HoymilesRegisterMap.dtuSerialAddress) + 6
        if serialRange.contains(start) {
            guard start + count <= serialRange.upperBound else { return nil }
            return Array(configuration.dtuSerial.bytes[(start - serialRange.lowerBound)...].prefix(count))
        }
        let base = Int(HoymilesRegisterMap.portBlockBaseAddress)
        let end = base + HoymilesRegisterMap.portBlockByteCount * HoymilesRegisterMap.maximumPortBlocks
        guard start >= base, start + count <= end, count > 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(count)
        var blockIndex = (start - base) / HoymilesRegisterMap.portBlockByteCount
        var offset = (start - base) % HoymilesRegisterMap.portBlockByteCount
        while out.count < count {
            let block = self.block(blockIndex, time: time)
            let take = min(count - out.count, HoymilesRegisterMap.portBlockByteCount - offset)
            out += block[offset..<offset + take]
            blockIndex += 1
            offset = 0
        }
        return out
    }

    private func block(_ index: Int, time: Date) -> [UInt8] {
        var remaining = index
        for inverter in configuration.inverters {
            if remaining < inverter.portCount { return portBlock(inverter, port: remaining + 1, time: time).bytes }
            remaining -= inverter.portCount
        }
        var empty = [UInt8](repeating: 0, count: HoymilesRegisterMap.portBlockByteCount)
        empty[0] = 0x0C
        empty[33] = 0x07
        return empty
    }

    /// One port's block at `time`.
    public func portBlock(_ inverter: Inverter, port: Int, time: Date) -> HoymilesPortBlock {
        let (lost, alarm) = faults.withLock { ($0.lost.contains(inverter.serial), $0.alarms[inverter.serial] ?? 0) }
        let sun = self.sun(at: time)
        guard !lost, sun.irradiance > 0.02 else {
            // Asleep or lost: the DTU reports zeros, counters included.
            return HoymilesPortBlock(serial: inverter.serial, portNumber: UInt8(port))
        }
        let seconds = time.timeIntervalSince1970
        let jitter = 1 + 0.03 * sin(seconds / 7 + Double(port))
        let power = inverter.peakWattsPerPort * sun.irradiance * jitter
        let voltage = 28 + 10 * sun.irradiance
        let current = power / voltage
        let peakHours = configuration.sunsetHour - configuration.sunriseHour
        let fullDayWh = inverter.peakWattsPerPort * 2 * peakHours / .pi
        let todayWh = inverter.peakWattsPerPort * peakHours / .pi * (1 - cos(.pi * sun.dayFraction))
        let totalWh = Double(inverter.baseTotalWh) + Double(sun.daysSinceReference) * fullDayWh + todayWh
        return HoymilesPortBlock(
            serial: inverter.serial,
            portNumber: UInt8(port),
            pvVoltageRaw: UInt16(voltage * 10),
            pvCurrentRaw: UInt16(current / inverter.serial.pvCurrentScale),
            gridVoltageRaw: UInt16((230 + 3 * sin(seconds / 60)) * 10),
            gridFrequencyRaw: UInt16((50 + 0.03 * sin(seconds / 13)) * 100),
            pvPowerRaw: UInt16(power * 10),
            todayProductionWh: UInt16(truncatingIfNeeded: Int(todayWh)),
            totalProductionWh: UInt32(totalWh),
            temperatureRaw: Int16((12 + 30 * sun.irradiance) * 10),
            operatingStatus: 3,
            alarmCode: alarm,
            alarmCount: alarm == 0 ? 0 : 1,
            linkStatus: 1
        )
    }

    /// Irradiance 0…1, the fraction of the daylight period passed, and whole days since 2026-01-01.
    private func sun(at time: Date) -> (irradiance: Double, dayFraction: Double, daysSinceReference: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = configuration.timeZone
        let midnight = calendar.startOfDay(for: time)
        let hour = time.timeIntervalSince(midnight) / 3_600
        let fraction = min(1, max(0, (hour - configuration.sunriseHour) / (configuration.sunsetHour - configuration.sunriseHour)))
        let reference = calendar.date(from: DateComponents(year: 2026, month: 1, day: 1))!
        let days = max(0, calendar.dateComponents([.day], from: reference, to: midnight).day ?? 0)
        return (fraction > 0 && fraction < 1 ? sin(.pi * fraction) : 0, fraction, days)
    }
}
