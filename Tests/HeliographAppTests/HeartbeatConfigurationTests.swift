import Foundation
import HeliographApp
import HeliographAutomation
import Testing

/// The `heartbeat:` section as the daemon's configuration file reads it (the heartbeat itself is
/// tested in HeliographAutomationTests).
@Suite struct HeartbeatConfigurationTests {
    @Test func configuration() throws {
        let (configuration, problems) = HeliographConfiguration.parse(yaml: "heartbeat:\n  url: https://hc-ping.com/uuid\n  interval: 5m\n")
        #expect(problems.isEmpty)
        #expect(configuration?.heartbeat == HeartbeatConfiguration(url: URL(string: "https://hc-ping.com/uuid")!, interval: .seconds(300)))
        let (_, bad) = HeliographConfiguration.parse(yaml: "heartbeat:\n  url: hc-ping.com/uuid\n")
        #expect(bad.map(\.key) == ["heartbeat.url"])
    }
}
