import HeliographApp
import HeliographAutomation
import HeliographCore
import HeliographDevices
import HeliographWeather
import Testing

@Suite("Configuration: weather, solar, switches, alerts")
struct AutomationConfigurationTests {
    let full = """
        site:
          time_zone: Europe/London
          latitude: 51.4769
          longitude: -0.0005
        devices:
          inverter:
            type: pi30
            port: /dev/hidraw0
          weather:
            type: open-meteo
            base_url: http://127.0.0.1:9999/open-meteo
            forecast_hours: 24
        solar:
          arrays:
            - { peak_power_kw: 3, tilt: 30, azimuth: 90 }
            - { peak_power_kw: 3.5, tilt: 30, azimuth: 270, losses_pct: 10 }
          producers: [inverter]
        switches:
          boiler:
            on_when:
              - inverter.battery_soc_pct > 90
              - inverter.pv_power_w > inverter.load_power_w + 1500
              - weather.forecast_cloud_cover_3h_pct < 60
            off_when: inverter.battery_soc_pct < 60
            min_on: 10m
            min_off: 5m
            window: "10:00-16:00"
          pump:
            style: shelly
            name: shelly1-98CDAC
            on_when: inverter.battery_soc_pct >= 95
          heater:
            style: home-assistant
            topic: homeassistant/switch/heater/set
            payload_on: "on"
            on_when: inverter.battery_soc_pct > 99
        alerts:
          rules:
            battery-low:
              when: inverter.battery_soc_pct < 15
              clear: inverter.battery_soc_pct > 25
              severity: critical
              repeat: 1h
            logger-offline:
              stale: inverter
              after: 10m
          webhooks:
            phone:
              url: https://ntfy.sh/heliograph-test
              headers: { Title: "Heliograph {rule}", Content-Type: text/plain }
              body: "{message}"
          mqtt: false
        """

    @Test("Every new section parses, with defaults")
    func complete() throws {
        let (parsed, problems) = HeliographConfiguration.parse(yaml: full)
        #expect(problems.isEmpty, "\(problems)")
        let config = try #require(parsed)
        #expect(config.site.latitude == 51.4769 && config.site.longitude == -0.0005)
        let weather = try #require(config.devices.first { $0.id == "weather" })
        #expect(weather.interval == .seconds(600))
        #expect(weather.options as? OpenMeteoOptions == OpenMeteoOptions(baseURL: "http://127.0.0.1:9999/open-meteo", forecastHours: 24))

        let solar = try #require(config.solar)
        #expect(solar.arrays == [PVArray(peakPowerKW: 3, tilt: 30, azimuth: 90), PVArray(peakPowerKW: 3.5, tilt: 30, azimuth: 270, lossesPct: 10)])
        #expect(solar.weather == "weather")
        #expect(solar.producers == ["inverter"])
        #expect(solar.device == "solar")

        #expect(config.switches.map(\.target.id) == ["boiler", "pump", "heater"])
        let boiler = config.switches[0]
        #expect(boiler.target == LoadSwitch(id: "boiler", topic: "cmnd/boiler/POWER", payloadOn: "ON", payloadOff: "OFF"))
        #expect(boiler.rule.onWhen.map(\.text) == ["inverter.battery_soc_pct > 90", "inverter.pv_power_w > inverter.load_power_w + 1500", "weather.forecast_cloud_cover_3h_pct < 60"])
        #expect(boiler.rule.offWhen.map(\.text) == ["inverter.battery_soc_pct < 60"])
        #expect(boiler.rule.minimumOn == 600 && boiler.rule.minimumOff == 300)
        #expect(boiler.rule.window == TimeWindow(start: 600, end: 960))
        #expect(config.switches[1].target.topic == "shellies/shelly1-98CDAC/relay/0/command")
        #expect(config.switches[2].target == LoadSwitch(id: "heater", topic: "homeassistant/switch/heater/set", payloadOn: "on", payloadOff: "OFF"))

        let alerts = try #require(config.alerts)
        #expect(alerts.rules.map(\.name) == ["battery-low", "logger-offline"])
        #expect(alerts.rules[0].severity == "critical" && alerts.rules[0].repeatEvery == 3_600)
        #expect(alerts.rules[1].trigger == .stale(device: "inverter", after: 600))
        #expect(alerts.webhooks.first?.headers["Content-Type"] == "text/plain")
        #expect(alerts.mqtt == false)
    }

    @Test("Bad values are reported with their keys")
    func problems() throws {
        let yaml = """
            devices:
              weather:
                type: open-meteo
                base_url: ftp://example
                latitude: 123
            solar:
              tilt: 30
            switches:
              boiler:
                on_when: inverter.battery_soc_pct >> 90
                window: 10-16
                style: x10
              Bad Name:
                on_when: a.b > 1
            alerts:
              rules:
                low:
                  when: inverter.battery_soc_pct < 15
                  stale: inverter
                quiet:
                  severity: loud
              webhooks:
                hook: {}
            """
        let keys = Set(HeliographConfiguration.parse(yaml: yaml).problems.map(\.key))
        for key in [
            "devices.weather.base_url", "devices.weather.latitude", "devices.weather", "solar.peak_power_kw", "solar", "switches.boiler.on_when",
            "switches.boiler.window", "switches.boiler.style", "switches.Bad Name", "alerts.rules.low", "alerts.rules.quiet.severity", "alerts.webhooks.hook.url",
        ] {
            #expect(keys.contains(key), "no problem reported for \(key); got \(keys.sorted())")
        }
    }

    @Test("Switches without an MQTT broker are refused when the daemon is built")
    func switchesNeedBroker() async throws {
        let yaml = """
            storage:
              path: /tmp/heliograph-switches-\(UInt32.random(in: 0...UInt32.max)).sqlite
            switches:
              boiler:
                on_when: inverter.battery_soc_pct > 90
            """
        let config = try #require(HeliographConfiguration.parse(yaml: yaml).configuration)
        let error = await #expect(throws: HeliographError.self) { _ = try await buildDaemon(configuration: config, logger: .init(label: "test")) }
        #expect(error?.message.contains("mqtt") == true)
    }
}
