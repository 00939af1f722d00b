import Foundation
import HeliographCore
import HeliographTesting
import Logging
import Testing

@testable import HeliographWeather

private let london = (latitude: 51.5074, longitude: -0.1278)
private let south = PVArray(peakPowerKW: 1, tilt: 35, azimuth: 180)

@Suite("Expected PV output")
struct ExpectedOutputTests {
    @Test("Clear-sky irradiance: zero at night, about 1000 W/m² with a high sun")
    func clearSky() {
        #expect(ExpectedOutput.clearSky(elevation: -5, dayOfYear: 172).global == 0)
        let high = ExpectedOutput.clearSky(elevation: 62, dayOfYear: 172)
        #expect((850...1_050).contains(high.global), "GHI \(high.global)")
        #expect((850...1_050).contains(high.directNormal), "DNI \(high.directNormal)")
        #expect((50...200).contains(high.diffuse), "DHI \(high.diffuse)")
        let low = ExpectedOutput.clearSky(elevation: 10, dayOfYear: 172)
        #expect(low.global < high.global / 3)
    }

    @Test("A 1 kWp south array at solstice noon in London gives 700–900 W in a clear sky")
    func solsticeNoon() {
        let power = ExpectedOutput.power(arrays: [south], at: june21(hour: 12), latitude: london.latitude, longitude: london.longitude, cloudCoverPct: nil)
        #expect((700...900).contains(power), "\(power) W")
        let night = ExpectedOutput.power(arrays: [south], at: june21(hour: 0), latitude: london.latitude, longitude: london.longitude, cloudCoverPct: nil)
        #expect(night == 0)
    }

    @Test("Clouds reduce output: none at 0 %, a quarter left at 100 %")
    func clouds() {
        #expect(ExpectedOutput.cloudFactor(cloudCoverPct: 0) == 1)
        #expect(abs(ExpectedOutput.cloudFactor(cloudCoverPct: 100) - 0.25) < 1e-12)
        #expect(ExpectedOutput.cloudFactor(cloudCoverPct: 50) > ExpectedOutput.cloudFactor(cloudCoverPct: 80))
        let clear = ExpectedOutput.power(arrays: [south], at: june21(hour: 12), latitude: london.latitude, longitude: london.longitude, cloudCoverPct: 0)
        let overcast = ExpectedOutput.power(arrays: [south], at: june21(hour: 12), latitude: london.latitude, longitude: london.longitude, cloudCoverPct: 100)
        #expect(abs(overcast - clear * 0.25) < 1e-6)
    }

    @Test("An east roof peaks in the morning, a west roof in the afternoon; size scales linearly")
    func orientation() {
        let east = PVArray(peakPowerKW: 2, tilt: 30, azimuth: 90), west = PVArray(peakPowerKW: 2, tilt: 30, azimuth: 270)
        func power(_ array: PVArray, _ hour: Double) -> Double {
            ExpectedOutput.power(arrays: [array], at: june21(hour: hour), latitude: london.latitude, longitude: london.longitude, cloudCoverPct: nil)
        }
        #expect(power(east, 8) > power(west, 8) * 2)
        #expect(power(west, 16) > power(east, 16) * 2)
        let both = ExpectedOutput.power(arrays: [east, west], at: june21(hour: 10), latitude: london.latitude, longitude: london.longitude, cloudCoverPct: nil)
        #expect(abs(both - power(east, 10) - power(west, 10)) < 1e-9)
        let double = PVArray(peakPowerKW: 4, tilt: 30, azimuth: 90)
        #expect(abs(power(double, 9) - 2 * power(east, 9)) < 1e-9)
    }

    @Test("The estimate device reports expected and actual power and sun_output_pct")
    func estimateDevice() async throws {
        let feed = BroadcastLiveFeed()
        let now = june21(hour: 12)
        let driver = SolarEstimateDriver(
            device: "solar",
            configuration: .init(
                latitude: london.latitude,
                longitude: london.longitude,
                arrays: [PVArray(peakPowerKW: 4, tilt: 35, azimuth: 180)],
                producers: ["inverter", "roof"],
                timeZone: TimeZone(identifier: "Europe/London")!
            ),
            feed: feed,
            cloudCover: { _ in 50 },
            now: { now }
        )
        let descriptor = try await driver.describe(logger: Logger(label: "test"))
        #expect(descriptor.kind == "solar-estimate")

        let quiet = try #require(try await driver.poll(logger: Logger(label: "test")).first)
        let expected = try #require(quiet["expected_pv_power_w"]?.numeric)
        let model = ExpectedOutput.power(arrays: driver.configuration.arrays, at: now, latitude: london.latitude, longitude: london.longitude, cloudCoverPct: 50)
        #expect(abs(expected - model.rounded()) < 0.5)
        #expect(quiet["sun_output_pct"] == nil, "no producer reported yet")
        #expect(quiet["cloud_cover_pct"] == .number(50))
        // Published: 04:43 and 21:21 BST on 21 June 2026 in London; the algorithm is good to a minute.
        #expect(["04:43", "04:44"].map { FieldValue.text($0) }.contains(quiet["sunrise"] ?? .text("-")), "\(String(describing: quiet["sunrise"]))")
        #expect(["21:21", "21:22"].map { FieldValue.text($0) }.contains(quiet["sunset"] ?? .text("-")), "\(String(describing: quiet["sunset"]))")

        driver.observe(Sample(device: "inverter", time: now.addingTimeInterval(-20), values: ["pv_power_w": 1_000]))
        driver.observe(Sample(device: "roof", time: now.addingTimeInterval(-400), values: ["pv_power_w": 500]))  // older than 5 min: not current
        driver.observe(Sample(device: "neighbour", time: now, values: ["pv_power_w": 9_999]))  // not a producer
        driver.observe(Sample(device: "inverter", time: now.addingTimeInterval(-3_600), values: ["pv_power_w": 7_000]))  // late, out of order: ignored

        let sample = try #require(try await driver.poll(logger: Logger(label: "test")).first)
        #expect(sample["actual_pv_power_w"] == .number(1_000))  // the roof's last reading is too old
        let ratio = try #require(sample["sun_output_pct"]?.numeric)
        #expect(abs(ratio - (1_000 / model * 100)) < 0.1)
    }

    @Test("Producers default to every device reporting PV power, and readings come through the live feed")
    func liveFeed() async throws {
        let feed = BroadcastLiveFeed()
        let now = june21(hour: 12)
        let driver = SolarEstimateDriver(
            device: "solar",
            configuration: .init(latitude: london.latitude, longitude: london.longitude, arrays: [south]),
            feed: feed,
            now: { now }
        )
        let running = Task { try await driver.run() }
        defer { running.cancel() }
        try await eventually("the estimate subscribed") { feed.subscriberCount == 1 }
        feed.publish(Sample(device: "a", time: now, values: ["pv_power_w": 300]))
        feed.publish(Sample(device: "b", time: now, values: ["pv_power_w": 200, "battery_soc_pct": 50]))
        try await eventually("both producers counted") {
            try await driver.poll(logger: Logger(label: "test")).first?["actual_pv_power_w"] == .number(500)
        }
    }
}
