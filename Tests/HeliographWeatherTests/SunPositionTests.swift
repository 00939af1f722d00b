import Foundation
import Testing

@testable import HeliographWeather

private func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

private func expectClose(_ actual: Date?, _ expected: String, within seconds: TimeInterval, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let actual else {
        Issue.record("no time; expected \(expected)", sourceLocation: sourceLocation)
        return
    }
    let difference = actual.timeIntervalSince(utc(expected))
    #expect(abs(difference) <= seconds, "\(actual) is \(Int(difference)) s from \(expected)", sourceLocation: sourceLocation)
}

@Suite("NOAA sun position")
struct SunPositionTests {
    /// Reda & Andreas, "Solar Position Algorithm for Solar Radiation Applications" (NREL, 2004), the
    /// worked example: 2003-10-17 12:30:30 MST at 39.742476 N, 105.1786 W → zenith 50.11162°, azimuth 194.34024°.
    @Test("Matches NREL's published SPA example within 0.05°")
    func nrelExample() {
        let position = SunPosition.position(at: utc("2003-10-17T19:30:30Z"), latitude: 39.742476, longitude: -105.1786)
        #expect(abs(position.zenith - 50.11162) < 0.05, "zenith \(position.zenith)")
        #expect(abs(position.azimuth - 194.34024) < 0.05, "azimuth \(position.azimuth)")
    }

    @Test("Solstice noon in London: the sun stands 90 − 51.5 + 23.44 ≈ 62° high, due south")
    func londonSolsticeNoon() {
        let position = SunPosition.position(at: utc("2026-06-21T12:02:13Z"), latitude: 51.5074, longitude: -0.1278)
        #expect(abs(position.elevation - 61.95) < 0.1, "elevation \(position.elevation)")
        #expect(abs(position.azimuth - 180) < 0.5, "azimuth \(position.azimuth)")
        #expect(abs(position.declination - 23.44) < 0.01)
    }

    @Test("At midnight the sun is below the horizon, to the north")
    func midnight() {
        let position = SunPosition.position(at: utc("2026-06-21T00:00:00Z"), latitude: 51.5074, longitude: -0.1278)
        #expect(position.elevation < -10)
        #expect(position.azimuth < 30 || position.azimuth > 330)
    }

    /// Published times (timeanddate.com / NOAA solar calculator), converted to UTC:
    /// London 21 June 2026 04:43 and 21:21 BST; Sydney 21 December 2026 05:41 and 20:05 AEDT;
    /// Boulder 20 March 2026 07:04 and 19:13 MDT.
    @Test("Sunrise, solar noon and sunset within two minutes of published times")
    func events() throws {
        let london = SunPosition.events(on: utc("2026-06-21T12:00:00Z"), timeZone: TimeZone(identifier: "Europe/London")!, latitude: 51.5074, longitude: -0.1278)
        expectClose(london.sunrise, "2026-06-21T03:43:28Z", within: 120)
        expectClose(london.solarNoon, "2026-06-21T12:02:13Z", within: 30)
        expectClose(london.sunset, "2026-06-21T20:21:12Z", within: 120)

        let sydney = SunPosition.events(on: utc("2026-12-21T02:00:00Z"), timeZone: TimeZone(identifier: "Australia/Sydney")!, latitude: -33.8688, longitude: 151.2093)
        expectClose(sydney.sunrise, "2026-12-20T18:41:22Z", within: 120)
        expectClose(sydney.sunset, "2026-12-21T09:05:11Z", within: 120)

        let boulder = SunPosition.events(on: utc("2026-03-20T18:00:00Z"), timeZone: TimeZone(identifier: "America/Denver")!, latitude: 40.015, longitude: -105.2705)
        expectClose(boulder.sunrise, "2026-03-20T13:04:28Z", within: 120)
        expectClose(boulder.sunset, "2026-03-21T01:13:00Z", within: 120)
    }

    @Test("Midnight sun and polar night have no sunrise or sunset")
    func polar() {
        let zone = TimeZone(identifier: "Europe/Oslo")!
        let summer = SunPosition.events(on: utc("2026-06-21T12:00:00Z"), timeZone: zone, latitude: 69.6492, longitude: 18.9553)
        #expect(summer.sunrise == nil && summer.sunset == nil && summer.allDay)
        let winter = SunPosition.events(on: utc("2026-12-21T12:00:00Z"), timeZone: zone, latitude: 69.6492, longitude: 18.9553)
        #expect(winter.sunrise == nil && winter.sunset == nil && !winter.allDay)
    }

    @Test("Refraction lifts the sun about half a degree at the horizon and nothing at the zenith")
    func refraction() {
        #expect(abs(SunPosition.refraction(elevation: 0) - 0.482) < 0.01)
        #expect(SunPosition.refraction(elevation: 89) == 0)
    }
}
