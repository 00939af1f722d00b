import Foundation
import HeliographApp
import HeliographControl
import HeliographTesting
import Testing

@Suite struct LoginConfigurationTests {
    @Test func loginLimitsAreReadWithDefaults() throws {
        let (configuration, problems) = HeliographConfiguration.parse(yaml: """
            http:
              login:
                threads: 2
                queue: 4
                max_wait: 500ms
                per_client: 20
                per_client_every: 3s
                per_user: 3
                per_user_every: 1m
                tracked: 1000
            """)
        #expect(problems.isEmpty, "\(problems)")
        let login = try #require(configuration?.http)
        #expect(login.passwordChecks == .init(threads: 2, queue: 4, maximumWait: .milliseconds(500)))
        #expect(login.loginLimits == .init(perClient: .init(burst: 20, interval: 3), perUser: .init(burst: 3, interval: 60), trackedKeys: 1_000))
        let defaults = try #require(HeliographConfiguration.parse(yaml: "devices: {}\n").configuration?.http)
        #expect(defaults.passwordChecks == .init(threads: 1, queue: 8, maximumWait: .seconds(2)))
        #expect(defaults.loginLimits == .init(perClient: .init(burst: 10, interval: 6), perUser: .init(burst: 5, interval: 12), trackedKeys: 4_096))
    }

    @Test func badLoginValuesAreProblems() {
        let (_, problems) = HeliographConfiguration.parse(yaml: """
            http:
              login:
                threads: 0
                queue: lots
                max_wait: forever
                tracked: 1
                per_clients: 5
            """)
        #expect(problems.map(\.key) == ["http.login.threads", "http.login.queue", "http.login.max_wait", "http.login.tracked", "http.login.per_clients"])
        #expect(problems.last?.message.contains("did you mean 'per_client'") == true)
    }

    /// Issue #13 item 3: `config check` accepted hashes the login could never verify, and refused none.
    @Test func htpasswdHashesAreAcceptedAndUnverifiableOnesRefused() throws {
        let made = try htpasswdHash(user: "admin", password: "secret", cost: 4)
        let damaged = String(made.dropLast()) + "X"  // spare bits set in the digest's last character
        let good = HeliographConfiguration.parse(yaml: "http:\n  users:\n    admin: \"\(made)\"\n")
        #expect(good.problems.isEmpty, "\(good.problems)")
        #expect(good.configuration?.http.credentials.users == ["admin": made])
        let (_, problems) = HeliographConfiguration.parse(yaml: """
            http:
              users:
                costly: "$2b$31$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"
                broken: "\(damaged)"
            """)
        #expect(problems.map(\.key).sorted() == ["http.users.broken", "http.users.costly"], "\(problems)")
        #expect(problems.allSatisfy { $0.message.contains("cannot be used to log in") && $0.message.contains("htpasswd -nbBC 12") }, "\(problems)")
        #expect(problems.contains { $0.message.contains("cost 31") })
    }
}
