import Foundation
import HeliographApp
import HeliographEnergy
import HeliographTesting
import Testing

/// The `tariff:` and `energy:` sections as the daemon's configuration file reads them, and the reporter
/// the web front end gets from them (the tariff itself is tested in HeliographEnergyTests).
@Suite struct EnergyConfigurationTests {
    @Test func tariffAndGapPollsReachTheReporter() throws {
        let (configuration, problems) = HeliographConfiguration.parse(yaml: """
            site:
              time_zone: Europe/London
            energy:
              gap_polls: 3
            tariff:
              currency: GBP
              import_price: 0.28
              export_price: 0.15
              windows:
                - { name: night, start: "00:30", end: "04:30", import_price: 0.08 }
            devices:
              inverter:
                type: pi30
                port: /dev/hidraw0
                interval: 20s
            """)
        #expect(problems.isEmpty, "\(problems)")
        let parsed = try #require(configuration)
        #expect(parsed.tariff?.windows.first?.importPrice == 0.08)
        let reporter = WebFrontEnd.energyReporter(parsed, store: InMemorySampleStore())
        #expect(reporter.timeZone.identifier == "Europe/London")
        #expect(reporter.configuration.rules(for: "inverter").maximumPowerGap == .seconds(60))
        #expect(reporter.configuration.tariff == parsed.tariff)
    }

    @Test func problemsAreReportedWithTheirKeys() {
        let (_, problems) = HeliographConfiguration.parse(yaml: "energy:\n  gap_polls: 0\n  gaps: 3\ntariff:\n  currency: GBP\n")
        #expect(Set(problems.map(\.key)) == ["energy.gap_polls", "energy.gaps", "tariff"])
    }
}
