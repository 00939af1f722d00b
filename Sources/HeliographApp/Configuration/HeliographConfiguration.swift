import HeliographAutomation
import HeliographCore
import HeliographDevices
import HeliographEnergy
import HeliographFleet
import HeliographInfluxDB
import HeliographLogging
import HeliographMQTT
import HeliographPrometheus
import HeliographWeb
import HeliographWeather

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

    public var site: Site
    public var storage: Storage
    /// Devices by id, in the order of the file.
    public var devices: [DeviceConfiguration]
    /// How much is logged and in which format (`logging:`; see `LoggingConfiguration`).
    public var logging: LoggingConfiguration
    /// The web dashboard and API (`http:`, read by the web server itself).
    public var http = WebConfiguration()
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
    /// Copy of every sample to InfluxDB (`influxdb:`, read by the sink itself); nil when off.
    public var influxDB: InfluxDBSink.Configuration?
    /// healthchecks.io-style ping after each healthy check (`heartbeat:`; see `HeartbeatConfiguration`); nil when off.
    public var heartbeat: HeartbeatConfiguration?
    /// Import and export prices with time-of-use windows (`tariff:`) for energy cost; nil leaves money out.
    public var tariff: Tariff?
    /// A gap between readings longer than this many poll intervals is unknown energy (`energy.gap_polls`, default 5).
    public var energyGapPolls: Double = 5

    public init(site: Site = Site(), storage: Storage = Storage(), devices: [DeviceConfiguration] = [], logging: LoggingConfiguration = LoggingConfiguration()) {
        self.site = site
        self.storage = storage
        self.devices = devices
        self.logging = logging
    }
}

/// The machine's time zone identifier.
public let defaultTimeZone = TimeZone.current.identifier
