import HeliographCore
import HeliographPI30
import HeliographTransport

extension PI30Driver {
    /// How the driver talks to its inverter. Defaults suit a 48 V unit on a 2400-baud serial line.
    public struct Configuration: Sendable, Hashable {
        /// How commands are cut on the wire.
        public enum Framing: String, Sendable, Hashable, Codable {
            /// One frame per write (RS-232, USB-serial adapters).
            case serial
            /// 8-byte zero-padded reports (USB HID, /dev/hidraw*).
            case hid
        }

        /// Retries of a poll (the port reopened, every query asked again) on timeouts and damaged
        /// replies; `attemptTimeout` is how long one reply may take (a QPIGS reply takes about
        /// 0.5 s at 2400 baud). Setting changes are never retried.
        public var retry: RetryPolicy
        /// How long one reply may take (`retry.attemptTimeout`).
        public var commandTimeout: Duration { retry.attemptTimeout }
        /// Queries sent on every poll, merged into one sample.
        public var pollQueries: [PI30Command]
        /// How often the settings (QPIRI, QFLAG) are read besides every poll's queries, so their current
        /// values are known; they are also read right after every write. Nil: only after writes.
        public var settingsInterval: Duration?
        public var framing: Framing
        /// Nominal battery voltage (12, 24, 48 V); voltage settings' ranges scale with it.
        public var nominalBatteryVoltage: Double
        /// Allowed max charging current (MCHGC), in 10 A steps.
        public var maxChargingCurrentRange: ClosedRange<Double>
        /// Allowed max utility charging current (MUCHGC), in 10 A steps.
        public var maxUtilityChargingCurrentRange: ClosedRange<Double>

        public init(
            retry: RetryPolicy = PI30Driver.defaultRetry,
            pollQueries: [PI30Command] = [.qpigs, .qmod, .qpiws],
            settingsInterval: Duration? = PI30Driver.defaultSettingsInterval,
            framing: Framing = .serial,
            nominalBatteryVoltage: Double = 48,
            maxChargingCurrentRange: ClosedRange<Double> = 10...120,
            maxUtilityChargingCurrentRange: ClosedRange<Double> = 10...120
        ) {
            self.retry = retry
            self.pollQueries = pollQueries
            self.settingsInterval = settingsInterval
            self.framing = framing
            self.nominalBatteryVoltage = nominalBatteryVoltage
            self.maxChargingCurrentRange = maxChargingCurrentRange
            self.maxUtilityChargingCurrentRange = maxUtilityChargingCurrentRange
        }
    }
}

extension PI30Driver {
    /// Two attempts of 3 s per reply: a reply garbled on the line is asked again in the same poll.
    public static let defaultRetry = RetryPolicy(attempts: 2, attemptTimeout: .seconds(3))
    /// Settings change rarely: a minute keeps the page truthful at two short queries a minute.
    public static let defaultSettingsInterval: Duration = .seconds(60)
    /// The queries that report the settings: rated information (priorities, currents, voltages) and flags.
    public static let settingsQueries: [PI30Command] = [.qpiri, .qflag]
}

extension PI30Driver {
    /// The transport for an inverter at `path`: `HIDTransport` for `.hid` (`/dev/hidraw*`),
    /// otherwise `SerialTransport` at `baudRate` (2400 for PI30).
    public static func transport(path: String, framing: Configuration.Framing, baudRate: Int = 2_400) -> any ByteTransport {
        switch framing {
        case .hid: HIDTransport(path: path)
        case .serial: SerialTransport(path: path, baudRate: baudRate)
        }
    }

    /// A driver for the inverter at `path`, choosing the transport from `configuration.framing`.
    public init(device: DeviceID, path: String, configuration: Configuration = Configuration()) {
        self.init(device: device, transport: Self.transport(path: path, framing: configuration.framing), configuration: configuration)
    }
}
