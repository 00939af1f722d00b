import HeliographApp
import HeliographControl
import HeliographWeb
import Testing

@Suite struct HTTPConfigurationTests {
    @Test func httpSectionIsReadWithDefaults() throws {
        let hash = PasswordHash.make("secret", cost: 4)
        let (configuration, problems) = HeliographConfiguration.parse(yaml: """
            http:
              host: 127.0.0.1
              port: 9090
              open_reading: false
              tokens:
                ha: 0123456789abcdef0123
              users:
                admin: "\(hash)"
            """)
        #expect(problems.isEmpty, "\(problems)")
        let http = try #require(configuration?.http)
        #expect(http.enabled)
        #expect(http.host == "127.0.0.1")
        #expect(http.port == 9090)
        #expect(!http.openReading)
        #expect(http.credentials.tokens == ["ha": "0123456789abcdef0123"])
        #expect(http.credentials.users == ["admin": hash])
        #expect(HeliographConfiguration.parse(yaml: "devices: {}\n").configuration?.http == WebConfiguration())
    }

    @Test func plainPasswordsWeakTokensAndUnknownKeysAreProblems() {
        let (_, problems) = HeliographConfiguration.parse(
            yaml: """
                http:
                  port: 99999
                  tokens:
                    ha: short
                  users:
                    admin: hunter2
                  colour: blue
                """,
            environment: ["HELIOGRAPH_HTTP_HOST": "127.0.0.1"]
        )
        let keys = problems.map(\.key)
        #expect(keys.contains("http.port"))
        #expect(keys.contains("http.tokens.ha"))
        #expect(keys.contains("http.users.admin"))
        #expect(keys.contains("http.colour"))
        #expect(problems.first { $0.key == "http.users.admin" }?.message.contains("bcrypt") == true)
    }

    @Test func connectionLimitsAndOriginsAreReadAndChecked() throws {
        let (configuration, problems) = HeliographConfiguration.parse(yaml: """
            http:
              host: "::1"
              max_connections: 100
              idle_timeout: 30s
              header_timeout: 500ms
              allowed_origins:
                - https://ha.example.net/
                - http://192.168.1.9:8123
            """)
        #expect(problems.isEmpty, "\(problems)")
        let http = try #require(configuration?.http)
        #expect(http.host == "::1")
        #expect(http.limits.maxConnections == 100)
        #expect(http.limits.idleTimeout == .seconds(30))
        #expect(http.limits.headerTimeout == .milliseconds(500))
        #expect(http.allowedOrigins == ["https://ha.example.net", "http://192.168.1.9:8123"])
        let defaults = WebConfiguration().limits
        #expect(defaults.maxConnections == 512 && defaults.idleTimeout == .seconds(60) && defaults.headerTimeout == .seconds(10))

        let (_, bad) = HeliographConfiguration.parse(yaml: """
            http:
              host: 10.0.0.256
              max_connections: 0
              idle_timeout: forever
              allowed_origins: [ha.example.net]
            """)
        #expect(bad.map(\.key).sorted() == ["http.allowed_origins", "http.host", "http.idle_timeout", "http.max_connections"], "\(bad)")
        #expect(bad.first { $0.key == "http.host" }?.line == 2)
        for host in ["0.0.0.0", "127.0.0.1", "localhost", "pi.local", "fe80::1", "inverter-pi"] {
            #expect(HeliographConfiguration.parse(yaml: "http:\n  host: \(host)\n").problems.isEmpty, "\(host)")
        }
        for host in ["my server", "300.1.1.1", "-pi", "http://pi", "pi_1"] {
            #expect(!HeliographConfiguration.parse(yaml: "http:\n  host: \"\(host)\"\n").problems.isEmpty, "\(host)")
        }
    }
}
