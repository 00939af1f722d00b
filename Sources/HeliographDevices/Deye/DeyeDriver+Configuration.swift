import HeliographCore
import HeliographTransport

extension DeyeDriver {
    /// How to reach a Deye/Sunsynk inverter and which register map it speaks.
    public struct Configuration: Sendable, Hashable {
        /// The wire protocol to the inverter.
        public enum TransportKind: String, Sendable, Hashable, CaseIterable {
            /// Modbus RTU inside Solarman V5 frames, to the Wi-Fi/LAN logger stick on TCP 8899.
            case solarmanV5 = "v5"
            /// Plain Modbus TCP (an RS-485 gateway or a logger in Modbus TCP mode), usually on 502.
            case modbusTCP = "modbus-tcp"
        }

        /// The logger (stick) serial printed on it, e.g. 2612749371. 0 = learn it from the first answer.
        public var loggerSerial: UInt32
        /// The inverter's Modbus address (1 unless changed on the inverter).
        public var slaveID: UInt8
        /// A bundled register map name (`deye_single_phase_hybrid`, `deye_three_phase_hybrid_lv`,
        /// `deye_three_phase_hybrid_hv`, `deye_string`, `deye_micro`).
        public var model: String
        public var transportKind: TransportKind
        /// Retries inside one poll on timeouts and broken connections; `attemptTimeout` is how long
        /// each request waits for its answer. Writes are never retried.
        public var retry: RetryPolicy
        /// How long one request may wait for its answer (`retry.attemptTimeout`).
        public var requestTimeout: Duration { retry.attemptTimeout }
        /// How often settings (work mode, TOU, currents) are read back; live values are read every poll.
        /// Settings are also read right after every write.
        public var slowReadInterval: Duration
        /// Answer logger heartbeats with a time reply (some loggers expect one).
        public var answersHeartbeats: Bool
        /// Display name; defaults to the device id.
        public var name: String?

        public init(
            loggerSerial: UInt32 = 0,
            slaveID: UInt8 = 1,
            model: String = "deye_single_phase_hybrid",
            transportKind: TransportKind = .solarmanV5,
            retry: RetryPolicy = DeyeDriver.defaultRetry,
            slowReadInterval: Duration = DeyeDriver.defaultSettingsInterval,
            answersHeartbeats: Bool = true,
            name: String? = nil
        ) {
            self.loggerSerial = loggerSerial
            self.slaveID = slaveID
            self.model = model
            self.transportKind = transportKind
            self.retry = retry
            self.slowReadInterval = slowReadInterval
            self.answersHeartbeats = answersHeartbeats
            self.name = name
        }
    }
}

extension DeyeDriver {
    /// Three attempts of 3 s each, 200 ms then 400 ms apart (±20 %): a logger stick that drops a
    /// request now and then is read in the same poll, well inside a 10 s poll timeout.
    public static let defaultRetry = RetryPolicy(attempts: 3, attemptTimeout: .seconds(3))
    /// A setting changed elsewhere (the inverter's panel, the vendor app) shows within a minute.
    public static let defaultSettingsInterval: Duration = .seconds(60)
}

extension DeyeDriver.Configuration.TransportKind {
    /// The usual TCP port: 8899 for Solarman loggers, 502 for Modbus TCP.
    public var defaultPort: Int {
        switch self {
        case .solarmanV5: 8_899
        case .modbusTCP: 502
        }
    }
}

extension DeyeDriver {
    /// A driver talking TCP to `host` (`port` defaults to the transport kind's usual port).
    public init(device: DeviceID, host: String, port: Int? = nil, configuration: Configuration) throws(HeliographError) {
        let transport = TCPTransport(.init(host: host, port: port ?? configuration.transportKind.defaultPort))
        try self.init(device: device, transport: transport, configuration: configuration)
    }
}
