import HeliographApp
import HeliographCore
import HeliographDevices
import Testing

@Suite("Configuration")
struct ConfigurationTests {
    let full = """
        site:
          name: Cottage
          time_zone: Europe/London
        storage:
          path: /var/lib/heliograph/history.sqlite
          retention_days: 365
        devices:
          inverter:
            type: pi30
            port: /dev/hidraw0
            interval: 10s
            timeout: 2500ms
            queries: [QPIGS, QMOD, QPIRI]
          garage:
            type: pi30
            port: /dev/ttyUSB0
            baud: 9600
            interval: 1m
        logging:
          level: debug
          format: json
        """

    @Test("a complete file parses into every section")
    func complete() throws {
        let (configuration, problems) = HeliographConfiguration.parse(yaml: full)
        #expect(problems.isEmpty)
        let config = try #require(configuration)
        #expect(config.site == .init(name: "Cottage", timeZone: "Europe/London"))
        #expect(config.storage == .init(path: "/var/lib/heliograph/history.sqlite", retentionDays: 365))
        #expect(config.logging == .init(level: .debug, format: .json))
        #expect(config.devices.map(\.id) == ["inverter", "garage"])
        let inverter = config.devices[0]
        #expect(inverter.interval == .seconds(10))
        #expect(inverter.timeout == .milliseconds(2_500))
        #expect(inverter.options as? PI30Options == PI30Options(port: "/dev/hidraw0", baud: 2400, queries: ["QPIGS", "QMOD", "QPIRI"], hid: true))
        let garage = config.devices[1]
        #expect(garage.interval == .seconds(60))
        // No timeout given: derived from the PI30 retry policy (2 attempts × 3 s, 0.24 s between, room: 7 s).
        #expect(garage.timeout == .seconds(7))
        #expect(garage.retry == PI30Driver.defaultRetry)
        #expect(garage.options as? PI30Options == PI30Options(port: "/dev/ttyUSB0", baud: 9600, queries: ["QPIGS", "QMOD", "QPIWS"], hid: false))
    }

    @Test("a deye device parses with defaults and checks its keys")
    func deye() throws {
        let yaml = """
            devices:
              roof:
                type: deye
                host: 192.0.2.10
                logger_serial: 2612749371
              garage:
                type: deye
                host: gateway.local
                transport: modbus-tcp
                port: 502
                slave_id: 3
                model: deye_three_phase_hybrid_lv
              bad:
                type: deye
                transport: carrier-pigeon
            """
        let (configuration, problems) = HeliographConfiguration.parse(yaml: yaml)
        #expect(configuration?.devices.map { $0.options as? DeyeOptions } == [
            DeyeOptions(host: "192.0.2.10", loggerSerial: 2_612_749_371),
            DeyeOptions(host: "gateway.local", port: 502, transport: "modbus-tcp", slaveID: 3, model: "deye_three_phase_hybrid_lv"),
        ])
        #expect(problems.map(\.description) == [
            "devices.bad.transport (line 15): must be one of v5, modbus-tcp; got 'carrier-pigeon'",
            "devices.bad.host (line 13): missing; the logger's IP address or host name",
        ])
    }

    @Test("an empty file gives the defaults")
    func empty() throws {
        let (configuration, problems) = HeliographConfiguration.parse(yaml: "")
        #expect(problems.isEmpty)
        #expect(configuration == HeliographConfiguration())
    }

    @Test("environment variables override file values")
    func environment() throws {
        let environment = [
            "HELIOGRAPH_STORAGE_PATH": "/tmp/override.sqlite",
            "HELIOGRAPH_LOGGING_LEVEL": "warning",
            "HELIOGRAPH_SITE_TIME_ZONE": "UTC",
            "HELIOGRAPH_DEVICES_INVERTER_PORT": "/dev/pts/7",
            "HELIOGRAPH_DEVICES_INVERTER_QUERIES": "QPIGS, QID",
        ]
        let (configuration, problems) = HeliographConfiguration.parse(yaml: full, environment: environment)
        #expect(problems.isEmpty)
        let config = try #require(configuration)
        #expect(config.storage.path == "/tmp/override.sqlite")
        #expect(config.logging.level == .warning)
        #expect(config.site.timeZone == "UTC")
        guard let options = config.devices[0].options as? PI30Options else { Issue.record("not pi30"); return }
        #expect(options.port == "/dev/pts/7")
        #expect(options.queries == ["QPIGS", "QID"])
    }

    @Test("a bad environment value names the variable")
    func badEnvironment() {
        let (_, problems) = HeliographConfiguration.parse(yaml: full, environment: ["HELIOGRAPH_DEVICES_GARAGE_BAUD": "fast"])
        #expect(problems.map(\.description) == [
            "devices.garage.baud (from $HELIOGRAPH_DEVICES_GARAGE_BAUD): must be a whole number from 300 to 921600; got 'fast'"
        ])
    }

    @Test("every problem is reported with its key and line")
    func problems() {
        let yaml = """
            site:
              time_zone: Mars/Olympus
            storage:
              retension_days: 3
            devices:
              inverter:
                type: pi30
                baud: fast
                interval: soon
                queries: [QPIGS, QXYZ]
              Bad-Id:
                type: pi30
                port: /dev/ttyUSB0
              deye:
                type: solarmagic
            logging:
              level: loud
            """
        let (_, problems) = HeliographConfiguration.parse(yaml: yaml)
        let lines = problems.map(\.description)
        #expect(lines.contains("site.time_zone (line 2): unknown time zone 'Mars/Olympus'; use an IANA name like Europe/London or UTC"))
        #expect(lines.contains { $0.hasPrefix("storage.retension_days (line 4): unknown key; did you mean 'retention_days'?") })
        #expect(lines.contains("devices.inverter.baud (line 8): must be a whole number from 300 to 921600; got 'fast'"))
        #expect(lines.contains { $0.hasPrefix("devices.inverter.interval (line 9): must be a duration") })
        #expect(lines.contains { $0.hasPrefix("devices.inverter.queries (line 10): unknown queries QXYZ") })
        #expect(lines.contains { $0.hasPrefix("devices.inverter.port (line 6): missing") })
        #expect(lines.contains { $0.hasPrefix("devices.Bad-Id (line 11): device ids may only use") })
        #expect(lines.contains { $0.hasPrefix("devices.deye.type (line 15): unknown device type 'solarmagic'; one of pi30, deye") })
        #expect(lines.contains { $0.hasPrefix("logging.level (line 17): must be one of trace, debug, info") })
        #expect(problems.count == 9)
    }

    @Test("text that is not YAML is reported with its line")
    func notYAML() {
        let (configuration, problems) = HeliographConfiguration.parse(yaml: "devices:\n  a: [unclosed\n")
        #expect(configuration == nil)
        #expect(problems.count == 1)
        #expect(problems.first?.description.contains("not valid YAML") == true)
        #expect(problems.first?.line != nil)
    }

    @Test("load throws one invalidConfiguration error listing the problems")
    func loadThrows() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("heliograph-config-\(UUID().uuidString).yaml")
        try "logging:\n  format: xml\n".write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect {
            _ = try HeliographConfiguration.load(path: url.path, environment: [:])
        } throws: { error in
            guard let error = error as? HeliographError else { return false }
            return error.code == .invalidConfiguration && error.message.contains("logging.format (line 2): must be one of text, logfmt, json; got 'xml'")
        }
    }

    @Test("a missing file is a clear problem")
    func missingFile() {
        let problems = HeliographConfiguration.check(path: "/nonexistent/heliograph.yaml", environment: [:])
        #expect(problems.count == 1)
        #expect(problems.first?.message.contains("cannot read configuration file /nonexistent/heliograph.yaml") == true)
    }
}

import Foundation
