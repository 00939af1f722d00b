import HeliographApp
import HeliographDevices
import Testing

/// `settings_interval` (PI30, Deye) and `http.sessions_file`: defaults, values, and bad input refused with the key.
@Suite struct SettingsConfigurationTests {
    @Test func settingsIntervalsDefaultToAMinuteAndCanBeSet() throws {
        let (parsed, problems) = HeliographConfiguration.parse(yaml: """
            devices:
              a: { type: pi30, port: /dev/ttyUSB0 }
              b: { type: pi30, port: /dev/ttyUSB1, settings_interval: 5m }
              c: { type: pi30, port: /dev/ttyUSB2, settings_interval: 0s }
              d: { type: deye, host: 127.0.0.1 }
              e: { type: deye, host: 127.0.0.1, settings_interval: 30s }
            http: { sessions_file: /var/lib/heliograph/sessions.json }
            """)
        #expect(problems.isEmpty, "\(problems)")
        let devices = try #require(parsed?.devices)
        #expect((devices[0].options as? PI30Options)?.settingsInterval == .seconds(60))
        #expect((devices[1].options as? PI30Options)?.settingsInterval == .seconds(300))
        #expect((devices[2].options as? PI30Options)?.settingsInterval == .zero)
        #expect((devices[3].options as? DeyeOptions)?.settingsInterval == .seconds(60))
        #expect((devices[4].options as? DeyeOptions)?.settingsInterval == .seconds(30))
        #expect(parsed?.http.sessionsFile == "/var/lib/heliograph/sessions.json")
    }

    @Test func badValuesAreProblemsNamingTheKey() {
        let (_, problems) = HeliographConfiguration.parse(yaml: """
            devices:
              a: { type: pi30, port: /dev/ttyUSB0, settings_interval: often }
              d: { type: deye, host: 127.0.0.1, settings_interval: 0s }
            http: { sessions_file: sessions.json }
            """)
        let text = problems.map(\.description)
        #expect(text.contains { $0.contains("devices.a.settings_interval") }, "\(text)")
        #expect(text.contains { $0.contains("devices.d.settings_interval") }, "\(text)")
        #expect(text.contains { $0.contains("http.sessions_file") && $0.contains("absolute path") }, "\(text)")
    }
}
