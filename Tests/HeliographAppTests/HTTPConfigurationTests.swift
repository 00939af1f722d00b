import HeliographApp
import HeliographControl
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
        #expect(http.tokens == ["ha": "0123456789abcdef0123"])
        #expect(http.users == ["admin": hash])
        #expect(HeliographConfiguration.parse(yaml: "devices: {}\n").configuration?.http == HTTPConfiguration())
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
}
