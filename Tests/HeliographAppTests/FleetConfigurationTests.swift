import HeliographApp
import HeliographFleet
import Testing

@Suite("Fleet configuration")
struct FleetConfigurationTests {
    @Test func ingestAndPublish() {
        let (configuration, problems) = HeliographConfiguration.parse(yaml: "ingest: mqtt\nfleet:\n  group: central\nmqtt:\n  host: 127.0.0.1\n  client_id: ingest-1\n")
        #expect(problems.isEmpty, "\(problems)")
        #expect(configuration?.fleet == FleetConfiguration(ingest: .mqtt, group: "central", publish: false))
        let edge = HeliographConfiguration.parse(yaml: "fleet:\n  publish: true\nmqtt:\n  host: 127.0.0.1\n")
        #expect(edge.problems.isEmpty, "\(edge.problems)")
        #expect(edge.configuration?.fleet.publish == true)
        #expect(HeliographConfiguration.parse(yaml: "site:\n  name: x\n").configuration?.fleet == FleetConfiguration())
    }

    @Test func problemsNameTheKey() {
        let cases: [(yaml: String, key: String)] = [
            ("ingest: mqtt\n", "ingest"),
            ("ingest: kafka\nmqtt:\n  host: h\n", "ingest"),
            ("fleet:\n  publish: true\n", "fleet.publish"),
            ("ingest: mqtt\nfleet:\n  publish: true\nmqtt:\n  host: h\n", "fleet.publish"),
            ("fleet:\n  group: a/b\nmqtt:\n  host: h\n", "fleet.group"),
            ("fleet:\n  groups: x\n", "fleet.groups"),
        ]
        for entry in cases {
            let problems = HeliographConfiguration.parse(yaml: entry.yaml).problems
            #expect(problems.contains { $0.key == entry.key }, "\(entry.yaml) → \(problems)")
        }
    }
}
