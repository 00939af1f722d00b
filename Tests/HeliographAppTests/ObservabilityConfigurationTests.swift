import Foundation
import HeliographApp
import HeliographInfluxDB
import HeliographPrometheus
import HeliographTesting
import Testing

@Suite("metrics and influxdb configuration")
struct ObservabilityConfigurationTests {
    @Test func metricsAreOnByDefaultAndCanBeTuned() throws {
        let defaults = try #require(HeliographConfiguration.parse(yaml: "site: {name: x}").configuration)
        #expect(defaults.metrics == MetricsConfiguration())
        #expect(defaults.influxDB == nil)
        let (tuned, problems) = HeliographConfiguration.parse(yaml: "metrics:\n  enabled: false\n  stale_after: 5m\n")
        #expect(problems.isEmpty)
        #expect(tuned?.metrics == MetricsConfiguration(enabled: false, staleAfter: .seconds(300)))
    }

    @Test func influxV1WithPasswordFromAFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let secret = directory.appendingPathComponent("influx.pass")
        try "s3cret\n".write(to: secret, atomically: true, encoding: .utf8)
        let (configuration, problems) = HeliographConfiguration.parse(yaml: """
            influxdb:
              url: http://127.0.0.1:8086
              database: solar
              username: writer
              password_file: \(secret.path)
              tags: { site: cottage }
              batch_size: 1000
              spool_directory: /tmp/spool
            """)
        #expect(problems.isEmpty, "\(problems)")
        let influx = try #require(configuration?.influxDB)
        #expect(influx.endpoint.api == .v1(database: "solar", retentionPolicy: nil, username: "writer", password: "s3cret"))
        #expect(influx.lineProtocol.staticTags == ["site": "cottage"])
        #expect(influx.batchSize == 1_000)
        #expect(influx.spoolDirectory?.path == "/tmp/spool")
    }

    @Test func influxV2IsChosenByATokenAndTheEnvironmentCanSupplyIt() throws {
        let (configuration, problems) = HeliographConfiguration.parse(
            yaml: "influxdb:\n  url: https://eu-central-1-1.aws.cloud2.influxdata.com\n  org: home\n  bucket: solar\n",
            environment: ["HELIOGRAPH_INFLUXDB_TOKEN": "tok-123"]
        )
        #expect(problems.isEmpty, "\(problems)")
        #expect(configuration?.influxDB?.endpoint.api == .v2(organization: "home", bucket: "solar", token: "tok-123"))
        // Without spool_directory the spool sits beside the database (storage.path).
        let (placed, _) = HeliographConfiguration.parse(yaml: "storage: {path: /var/lib/heliograph/history.sqlite}\ninfluxdb: {url: http://x:8086}\n")
        #expect(placed?.influxDB?.spoolDirectory?.path == "/var/lib/heliograph/influxdb-spool")
    }

    @Test func influxProblemsNameTheKey() throws {
        let (_, missing) = HeliographConfiguration.parse(yaml: "influxdb:\n  api: v2\n  url: http://x:8086\n  org: home\n")
        #expect(missing.map(\.key) == ["influxdb.api"])
        #expect(missing.first?.message.contains("bucket, token or token_file") == true)
        let (_, badURL) = HeliographConfiguration.parse(yaml: "influxdb:\n  url: localhost:8086\n")
        #expect(badURL.map(\.key) == ["influxdb.url"])
        let (_, unreadable) = HeliographConfiguration.parse(yaml: "influxdb:\n  url: http://x:8086\n  token_file: /nonexistent/token\n")
        #expect(unreadable.map(\.key) == ["influxdb.token_file"])
        let (_, typo) = HeliographConfiguration.parse(yaml: "influxdb:\n  url: http://x:8086\n  databse: solar\n")
        #expect(typo.first?.message.contains("did you mean 'database'") == true)
    }
}
