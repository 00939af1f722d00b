import HeliographAutomation
import HeliographConfigFile
import HeliographCore
import HeliographDevices
import HeliographEnergy
import HeliographFleet
import HeliographInfluxDB
import HeliographLogging
import HeliographMQTT
import HeliographPrometheus
import HeliographWeb
import Yams

import class Foundation.ProcessInfo
import struct Foundation.Data
import struct Foundation.URL

extension HeliographConfiguration {
    /// Reads and checks a configuration file; throws one `HeliographError` (`invalidConfiguration`)
    /// listing every problem, each with its key and line.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> HeliographConfiguration {
        let text = try readFile(path)
        let (configuration, problems) = parse(yaml: text, environment: environment)
        guard let configuration, problems.isEmpty else { throw HeliographError.configuration(problems, source: path) }
        return configuration
    }

    /// Every problem in a configuration file, empty when it is fine. Missing files are a problem too.
    public static func check(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> [ConfigurationProblem] {
        do {
            return parse(yaml: try readFile(path), environment: environment).problems
        } catch let error as HeliographError {
            return [ConfigurationProblem(key: "", message: error.message)]
        } catch {
            return [ConfigurationProblem(key: "", message: "\(error)")]
        }
    }

    /// Parses YAML text and environment overrides into a configuration and the problems found.
    /// The configuration is nil only when the text is not YAML at all.
    public static func parse(yaml: String, environment: [String: String] = [:]) -> (configuration: HeliographConfiguration?, problems: [ConfigurationProblem]) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            return (nil, [Self.problem(from: error)])
        } catch {
            return (nil, [ConfigurationProblem(key: "", message: "not valid YAML: \(error)")])
        }
        let problems = ConfigurationSection.Problems()
        let file = ConfigurationSection(path: "", node: root, environment: environment, problems: problems)
        var configuration = HeliographConfiguration()

        let site = file.section("site")
        configuration.site.name = site.string("name") ?? configuration.site.name
        if let zone = site.string("time_zone") {
            if TimeZone(identifier: zone) == nil {
                site.problem("time_zone", "unknown time zone '\(zone)'; use an IANA name like Europe/London or UTC")
            } else {
                configuration.site.timeZone = zone
            }
        }
        configuration.site.latitude = site.double("latitude", in: -90...90)
        configuration.site.longitude = site.double("longitude", in: -180...180)
        site.reportUnknownKeys(allowed: ["name", "time_zone", "latitude", "longitude"])

        configuration.storage = HeliographConfiguration.Storage.parse(file.section("storage"))
        configuration.fleet = FleetConfiguration.parse(file: file, hasMQTT: file.keys.contains("mqtt"))

        configuration.logging = LoggingConfiguration.parse(file.section("logging"))

        let devices = file.section("devices")
        for name in devices.keys {
            let id = DeviceID(name)
            guard id.isValid else {
                devices.problem(name, "device ids may only use a-z, 0-9, '_' and '-' (at most 64 characters)")
                continue
            }
            if let device = DeviceFamilies.parse(id: id, section: devices.section(name)) {
                configuration.devices.append(device)
            }
        }

        configuration.http = WebConfiguration.parse(file.section("http"))
        configuration.mqtt = MQTTConfiguration.parse(file.section("mqtt"))
        checkLocation(&configuration, file: file)
        configuration.switches = SwitchConfiguration.parseAll(file.section("switches"))
        configuration.alerts = AlertsConfiguration.parse(file.section("alerts"))
        configuration.metrics = MetricsConfiguration.parse(file.section("metrics"))
        configuration.influxDB = InfluxDBSink.Configuration.parse(
            file.section("influxdb"),
            defaultSpoolDirectory: URL(fileURLWithPath: configuration.storage.path).deletingLastPathComponent().appendingPathComponent("influxdb-spool")
        )
        configuration.heartbeat = HeartbeatConfiguration.parse(file.section("heartbeat"))
        configuration.tariff = Tariff.parse(file.section("tariff"))
        let energy = file.section("energy")
        configuration.energyGapPolls = energy.double("gap_polls", in: 1...1_000) ?? configuration.energyGapPolls
        energy.reportUnknownKeys(allowed: ["gap_polls"])
        if configuration.mqtt == nil {
            for device in configuration.devices where DeviceFamilies.named(device.type)?.needsMQTT == true {
                devices.section(device.id.rawValue).problem("type", "\(device.type) devices are read from an MQTT broker; add an mqtt: section")
            }
        }
        if let device = configuration.mqtt?.compatibilityDevice, !configuration.devices.contains(where: { $0.id == device }) {
            file.section("mqtt").problem("compatibility_device", "no device '\(device)' under devices:")
        }

        file.reportUnknownKeys(allowed: [
            "site", "storage", "ingest", "fleet", "devices", "logging", "http", "mqtt", "solar", "switches", "alerts", "metrics", "influxdb", "heartbeat", "tariff", "energy",
        ])
        configuration.secrets = problems.secrets
        configuration.secretSources = problems.secretSources
        return (configuration, problems.list)
    }

    private static func readFile(_ path: String) throws -> String {
        let url = URL(fileURLWithPath: path)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw HeliographError(.invalidConfiguration, "cannot read configuration file \(path): \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw HeliographError(.invalidConfiguration, "configuration file \(path) is not UTF-8 text")
        }
        return text
    }

    private static func problem(from error: YamlError) -> ConfigurationProblem {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text) " } ?? ""
            return ConfigurationProblem(key: "", line: mark.line, message: "not valid YAML: \(prefix)\(problem) at column \(mark.column)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigurationProblem(key: "", line: context.mark.line, message: "duplicate keys: \(duplicates.joined(separator: ", "))")
        default:
            return ConfigurationProblem(key: "", message: "not valid YAML: \(error)")
        }
    }
}

import struct Foundation.TimeZone
