import Foundation
import HeliographCore
import HeliographHoymiles
import HeliographModbus
import HeliographTransport
import Logging
import ServiceLifecycle
import Synchronization

/// Reads a Hoymiles DTU-Pro over Modbus TCP: the DTU serial once, then every port block until
/// the first empty one, one read in flight unless configured otherwise. Each poll returns one sample per inverter
/// (per-port fields `pvN_*`) and one with plant totals under the DTU's id; the inverters found
/// are listed by `discoveredDevices()` with `parent` set to the DTU.
///
/// It is a `Service` because its Modbus client holds the connection: run it in the service group
/// beside the poller.
public final class HoymilesDTUDriver: DeviceDiscoveringDriver, Service {
    public struct Configuration: Sendable, Hashable {
        /// The DTU's device id; inverters become `<device>-<serial>`.
        public var device: DeviceID
        public var host: String
        public var port: Int
        /// Modbus unit id: 1 by default, 101…254 when set in the Hoymiles app.
        public var unit: UInt8
        /// When the DTU restarts its daily counters.
        public var dailyReset: HoymilesDailyReset
        /// Retries of each read on timeouts and connection trouble; `attemptTimeout` is how long one
        /// request waits for its answer.
        public var retry: RetryPolicy
        /// How long one request waits for its answer (`retry.attemptTimeout`).
        public var requestTimeout: Duration { retry.attemptTimeout }
        /// Port blocks read at once (requests sent before the first is answered); see
        /// `defaultMaximumInFlight`.
        public var maximumInFlight: Int
        /// Stop scanning after this many port blocks even without an empty one.
        public var maximumPortBlocks: Int

        public init(
            device: DeviceID,
            host: String,
            port: Int = 502,
            unit: UInt8 = 1,
            dailyReset: HoymilesDailyReset = HoymilesDailyReset(),
            retry: RetryPolicy = HoymilesDTUDriver.defaultRetry,
            maximumInFlight: Int = HoymilesDTUDriver.defaultMaximumInFlight,
            maximumPortBlocks: Int = HoymilesRegisterMap.maximumPortBlocks
        ) {
            self.device = device
            self.host = host
            self.port = port
            self.unit = unit
            self.dailyReset = dailyReset
            self.retry = retry
            self.maximumInFlight = maximumInFlight
            self.maximumPortBlocks = min(maximumPortBlocks, HoymilesRegisterMap.maximumPortBlocks)
        }
    }

    private struct State: Sendable {
        var tracker: HoymilesProductionTracker
        var dtuSerial: HoymilesSerialNumber?
        var portCounts: [HoymilesSerialNumber: Int] = [:]
        /// Whether the last known totals were loaded into the tracker.
        var seeded = false
    }

    /// Each inverter's per-port lifetime totals in Wh as last stored (see `HoymilesQueries.lastKnownTotals`).
    public typealias LastKnownTotals = @Sendable () async throws -> [HoymilesSerialNumber: [Int: Double]]

    /// One request at a time: a DTU served by pymodbus (and, as far as anyone knows, a real DTU
    /// gateway) answers only the first of several requests arriving in one TCP segment, so a
    /// pipelined poll would time out on every other read. `max_in_flight` raises it for DTUs known
    /// to queue requests.
    public static let defaultMaximumInFlight = 1

    /// Two attempts of 3 s per read: a request the DTU lost is asked again in the same poll.
    public static let defaultRetry = RetryPolicy(attempts: 2, attemptTimeout: .seconds(3))

    public let configuration: Configuration
    public let client: ModbusTCPClient
    public let statistics: HoymilesDTUStatistics
    private let now: @Sendable () -> Date
    private let lastKnownTotals: LastKnownTotals?
    private let state: Mutex<State>

    public var device: DeviceID { configuration.device }

    /// - Parameters:
    ///   - transport: defaults to TCP to `host:port`; tests may pass another.
    ///   - now: the clock that stamps samples and decides the production day.
    ///   - lastKnownTotals: loaded before the first scan, so an inverter that is dead after a
    ///     restart keeps its last total in the plant's total instead of hiding it.
    public init(
        configuration: Configuration,
        transport: (any ByteTransport)? = nil,
        now: @escaping @Sendable () -> Date = { Date() },
        lastKnownTotals: LastKnownTotals? = nil,
        logger: Logger = Logger(label: "heliograph.hoymiles")
    ) {
        self.configuration = configuration
        self.now = now
        self.lastKnownTotals = lastKnownTotals
        self.statistics = HoymilesDTUStatistics(device: configuration.device)
        self.state = Mutex(State(tracker: HoymilesProductionTracker(dailyReset: configuration.dailyReset)))
        self.client = ModbusTCPClient(
            transport: transport ?? TCPTransport(.init(host: configuration.host, port: configuration.port)),
            configuration: .init(
                requestTimeout: configuration.requestTimeout,
                maximumInFlight: configuration.maximumInFlight,
                repairByteCount: true
            ),
            device: configuration.device,
            logger: logger
        )
    }

    /// Runs the Modbus client (the connection's owner).
    public func run() async throws {
        try await client.run()
    }

    public func describe(logger: Logger) async throws -> DeviceDescriptor {
        let serial = try await dtuSerial()
        return HoymilesFields.dtuDescriptor(dtu: device, serial: serial)
    }

    public func discoveredDevices() async -> [DeviceDescriptor] {
        state.withLock { state in
            state.tracker.knownSerials.map { serial in
                HoymilesFields.inverterDescriptor(dtu: configuration.device, serial: serial, portCount: state.portCounts[serial] ?? 1)
            }
        }
    }

    public func poll(logger: Logger) async throws -> [Sample] {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            if state.withLock({ $0.dtuSerial }) == nil { _ = try? await dtuSerial() }
            await seedTotals(logger: logger)
            let blocks = try await scanPortBlocks(logger: logger)
            let time = now()
            let readings = HoymilesInverterReading.group(blocks)
            let inverters = state.withLock { state in
                for reading in readings {
                    state.portCounts[reading.serial] = max(state.portCounts[reading.serial] ?? 0, reading.ports.count)
                }
                return state.tracker.update(readings, at: time)
            }
            statistics.recordPoll(duration: clock.now - start, failed: false, inverters: inverters.count, ports: blocks.count)
            logger.debug("polled Hoymiles DTU", metadata: ["device.id": "\(device)", "hoymiles.inverters": "\(inverters.count)", "hoymiles.ports": "\(blocks.count)"])
            return inverters.map { HoymilesSamples.inverterSample(dtu: device, $0, at: time) }
                + [HoymilesSamples.dtuSample(dtu: device, inverters, at: time)]
        } catch {
            statistics.recordPoll(duration: clock.now - start, failed: true, inverters: 0, ports: 0)
            throw error
        }
    }

    /// Loads the last known totals once; a store that cannot answer is asked again next poll, and
    /// meanwhile the poll goes on without them.
    private func seedTotals(logger: Logger) async {
        guard let lastKnownTotals, !state.withLock({ $0.seeded }) else { return }
        let totals: [HoymilesSerialNumber: [Int: Double]]
        do {
            totals = try await lastKnownTotals()
        } catch {
            logger.warning("could not read the Hoymiles inverters' last totals", metadata: ["device.id": "\(device)", "error": "\(error)"])
            return
        }
        state.withLock { state in
            state.tracker.seed(totals: totals)
            for (serial, ports) in totals { state.portCounts[serial] = max(state.portCounts[serial] ?? 0, ports.keys.max() ?? 0) }
            state.seeded = true
        }
    }

    // MARK: Reading

    private func dtuSerial() async throws -> HoymilesSerialNumber {
        if let serial = state.withLock({ $0.dtuSerial }) { return serial }
        let registers = try await query(HoymilesRegisterMap.dtuSerialRequest)
        let serial = try HoymilesRegisterMap.dtuSerial(from: registers)
        state.withLock { $0.dtuSerial = serial }
        return serial
    }

    /// Reads blocks in waves of `maximumInFlight` until the first empty serial, a Modbus exception
    /// (no such block) or the limit.
    private func scanPortBlocks(logger: Logger) async throws -> [HoymilesPortBlock] {
        var blocks: [HoymilesPortBlock] = []
        var index = 0
        let wave = max(1, configuration.maximumInFlight)
        while index < configuration.maximumPortBlocks {
            let indices = index..<min(index + wave, configuration.maximumPortBlocks)
            let results = try await withThrowingTaskGroup(of: (Int, HoymilesPortBlock?).self) { group in
                for blockIndex in indices {
                    group.addTask { (blockIndex, try await self.portBlock(blockIndex)) }
                }
                var results: [Int: HoymilesPortBlock?] = [:]
                for try await (blockIndex, block) in group { results[blockIndex] = block }
                return results
            }
            for blockIndex in indices {
                guard let block = results[blockIndex] ?? nil, !block.serial.isEmpty else { return blocks }
                blocks.append(block)
            }
            index = indices.upperBound
        }
        return blocks
    }

    /// One port block, or nil when the DTU answers that it has no such block (a Modbus exception
    /// or an empty register list, as some servers send past the end of their map).
    private func portBlock(_ index: Int) async throws -> HoymilesPortBlock? {
        let request = HoymilesRegisterMap.portBlockRequest(index)
        let response = try await query { try await $0.send(unit: configuration.unit, request: request) }
        switch response {
        case .exception, .registers(_, []):
            return nil
        default:
            do {
                return try HoymilesPortBlock(registers: try response.registers(for: request))
            } catch {
                throw error.on(device)
            }
        }
    }

    private func query(_ request: ModbusRequest) async throws -> [UInt16] {
        try await query { try await $0.read(unit: configuration.unit, request: request) }
    }

    /// Runs one Modbus read (retried by `configuration.retry`), counting it and its duration.
    private func query<Result: Sendable>(_ exchange: (ModbusTCPClient) async throws -> Result) async throws -> Result {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let result = try await configuration.retry.run { try await exchange(client) }
            statistics.recordQuery(duration: clock.now - start, failed: false)
            return result
        } catch {
            statistics.recordQuery(duration: clock.now - start, failed: true)
            throw error
        }
    }
}
