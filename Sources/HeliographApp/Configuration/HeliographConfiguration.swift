import HeliographCore
import Logging

import struct Foundation.TimeZone

/// Everything the daemon needs to start, read from one YAML file plus environment overrides.
///
/// See README.md "Configuration" for every key; `HeliographConfiguration.load(path:)` reads a file,
/// `check(yaml:)` lists every problem at once for `heliograph config check`.
public struct HeliographConfiguration: Sendable, Hashable {
    public struct Site: Sendable, Hashable {
        /// Shown in the UI and used as the Home Assistant device prefix. Default `Home`.
        public var name: String
        /// IANA time zone for daily energy, e.g. `Europe/London`. Default: the machine's.
        public var timeZone: String
        /// Where the site is, for weather and the sun's position; degrees, north and east positive.
        public var latitude: Double?
        public var longitude: Double?

        public init(name: String = "Home", timeZone: String = defaultTimeZone, latitude: Double? = nil, longitude: Double? = nil) {
            self.name = name
            self.timeZone = timeZone
            self.latitude = latitude
            self.longitude = longitude
        }
    }

    public struct Storage: Sendable, Hashable {
        /// Where history is kept (`backend:`): SQLite (default) or PostgreSQL for fleets.
        public enum Backend: String, Sendable, Hashable, CaseIterable {
            case sqlite, postgres
        }

        /// SQLite database file. Relative paths are resolved against the working directory.
        public var path: String
        /// Full-resolution history older than this many days is deleted; nil keeps everything.
        public var retentionDays: Int?
        public var backend: Backend = .sqlite
        /// PostgreSQL: `postgres://user@host:5432/database?sslmode=prefer&schema=heliograph` (backend postgres).
        public var url: String?
        /// PostgreSQL: a file holding the password (first line), so it stays out of the configuration.
        public var passwordFile: String?

        public init(path: String = "heliograph.sqlite", retentionDays: Int? = nil) {
            self.path = path
            self.retentionDays = retentionDays
        }
    }

    public struct Logging: Sendable, Hashable {
        /// `text` (human), `logfmt` (key=value) or `json` (one object per line).
        public enum Format: String, Sendable, Hashable, CaseIterable {
            case text, logfmt, json
        }

        /// Whether lines are written for journald: no timestamps, `<N>` priority prefixes.
        public enum Journald: String, Sendable, Hashable, CaseIterable {
            /// When systemd connected stderr to the journal (`JOURNAL_STREAM`).
            case auto
            case on
            case off
        }

        public var level: Logger.Level
        public var format: Format
        public var journald: Journald

        public init(level: Logger.Level = .info, format: Format = .text, journald: Journald = .auto) {
            self.level = level
            self.format = format
            self.journald = journald
        }
    }

    public var site: Site
    public var storage: Storage
    /// Devices by id, in the order of the file.
    public var devices: [DeviceConfiguration]
    public var logging: Logging
    /// The web dashboard and API (`http:`; see `HTTPConfiguration`).
    public var http = HTTPConfiguration()
    /// Fleet ingest (`ingest: mqtt`) and lossless sample publishing (`fleet:`; see `FleetConfiguration`).
    public var fleet = FleetConfiguration()
    /// The MQTT broker (`mqtt:`; see `MQTTConfiguration`); nil runs without MQTT.
    public var mqtt: MQTTConfiguration?
    /// Every secret value the configuration holds (tokens, passwords), for redaction in logs.
    public var secrets: Set<String> = []
    /// Where each secret came from (`$VARIABLE`, the file, or a file path), by dotted key; never the value.
    public var secretSources: [String: String] = [:]
    /// The PV arrays for the expected-output estimate (`solar:`); nil when not configured.
    public var solar: SolarConfiguration?
    /// Smart load switching (`switches:`), in file order.
    public var switches: [SwitchConfiguration] = []
    /// Alert rules and channels (`alerts:`); nil when not configured.
    public var alerts: AlertsConfiguration?
    /// Prometheus `/metrics` (`metrics:`; see `MetricsConfiguration`).
    public var metrics = MetricsConfiguration()
    /// Copy of every sample to InfluxDB (`influxdb:`; see `InfluxDBConfiguration`); nil when off.
    public var influxDB: InfluxDBConfiguration?
    /// healthchecks.io-style ping after each healthy check (`heartbeat:`; see `HeartbeatConfiguration`); nil when off.
    public var heartbeat: HeartbeatConfiguration?

    public init(site: Site = Site(), storage: Storage = Storage(), devices: [DeviceConfiguration] = [], logging: Logging = Logging()) {
        self.site = site
        self.storage = storage
        self.devices = devices
        self.logging = logging
    }
}

/// One entry under `devices:`. The keys every type shares are fields; type-specific ones are in `options`.
public struct DeviceConfiguration: Sendable, Hashable {
    public var id: DeviceID
    /// `pi30`, later `deye`, `hoymiles`, ... (see `DeviceTypes`).
    public var type: String
    /// Time between polls. Default 10 s.
    public var interval: Duration
    /// Longest one poll may take; it always holds every attempt of `retry` (see `DeviceRetry`).
    public var timeout: Duration
    /// Attempts, per-request timeout and backoff inside one poll; nil for types that send no
    /// requests (MQTT sources) and for the driver's default.
    public var retry: RetryPolicy?
    public var options: DeviceOptions

    public init(
        id: DeviceID, type: String, interval: Duration = .seconds(10), timeout: Duration = .seconds(5), retry: RetryPolicy? = nil, options: DeviceOptions
    ) {
        self.id = id
        self.type = type
        self.interval = interval
        self.timeout = timeout
        self.retry = retry
        self.options = options
    }
}

/// The type-specific part of a device's configuration, already checked.
public enum DeviceOptions: Sendable, Hashable {
    case pi30(PI30Options)
    case deye(DeyeOptions)
    case hoymiles(HoymilesOptions)
    case openMeteo(OpenMeteoOptions)
    case powervault(PowervaultOptions)
    case mqttSensors(MQTTSensorOptions)
}

/// Options of a Hoymiles DTU-Pro / DTU-Pro-S read over Modbus TCP (`type: hoymiles`). Every
/// inverter behind it appears as its own device (`<id>-<serial>`), registered when first seen.
public struct HoymilesOptions: Sendable, Hashable {
    /// The DTU's address.
    public var host: String
    /// Default 502.
    public var port: Int
    /// Modbus unit id set in the Hoymiles app; default 1.
    public var unit: Int
    /// Local hour at which the DTU restarts its daily counters; default 0 (midnight, site time zone).
    public var dailyResetHour: Int

    public init(host: String, port: Int = 502, unit: Int = 1, dailyResetHour: Int = 0) {
        self.host = host
        self.port = port
        self.unit = unit
        self.dailyResetHour = dailyResetHour
    }
}

/// Options of a Deye/Sunsynk inverter (`type: deye`), reached through a Solarman V5 logger or Modbus TCP.
public struct DeyeOptions: Sendable, Hashable {
    /// The logger's or gateway's address.
    public var host: String
    /// Default 8899 for `v5`, 502 for `modbus-tcp`.
    public var port: Int?
    /// `v5` (Solarman logger stick) or `modbus-tcp`. Default `v5`.
    public var transport: String
    /// The serial printed on the logger stick; 0 learns it from the first answer. Default 0.
    public var loggerSerial: UInt32
    /// Modbus address of the inverter. Default 1.
    public var slaveID: Int
    /// Bundled register map: `deye_single_phase_hybrid` (default), `deye_three_phase_hybrid_lv`, ...
    public var model: String

    public init(host: String, port: Int? = nil, transport: String = "v5", loggerSerial: UInt32 = 0, slaveID: Int = 1, model: String = "deye_single_phase_hybrid") {
        self.host = host
        self.port = port
        self.transport = transport
        self.loggerSerial = loggerSerial
        self.slaveID = slaveID
        self.model = model
    }
}

/// Options of a Voltronic/PI30 inverter (`type: pi30`).
public struct PI30Options: Sendable, Hashable {
    /// `/dev/hidraw0` (USB HID) or `/dev/ttyUSB0` (serial); a pty path works too.
    public var port: String
    /// Serial speed; ignored for HID. Default 2400.
    public var baud: Int
    /// Queries issued on every poll and merged into one sample. Default `QPIGS`, `QMOD`, `QPIWS`.
    public var queries: [String]
    /// Talk USB HID (8-byte reports) rather than a serial line. Default: true when the port is `/dev/hidraw*`.
    public var hid: Bool

    public init(port: String, baud: Int = 2400, queries: [String] = ["QPIGS", "QMOD", "QPIWS"], hid: Bool? = nil) {
        self.port = port
        self.baud = baud
        self.queries = queries
        self.hid = hid ?? port.hasPrefix("/dev/hidraw")
    }
}

/// The machine's time zone identifier.
public let defaultTimeZone = TimeZone.current.identifier
