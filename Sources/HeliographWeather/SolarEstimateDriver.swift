import HeliographCore
import Logging
import ServiceLifecycle
import Synchronization

import struct Foundation.Calendar
import struct Foundation.Date
import struct Foundation.TimeInterval
import struct Foundation.TimeZone

/// The expected output of the site's PV arrays, and how the real output compares, as a polled
/// device (`solar:` in the configuration, device kind `solar-estimate`).
///
/// It runs as a service listening to the live feed for `pv_power_w` of the producing devices; each
/// poll reports the sun's position, the expected power (clear sky from the array size and
/// orientation, reduced by the weather's cloud cover) and `sun_output_pct`: actual ÷ expected.
public final class SolarEstimateDriver: PolledDriver, Service, Sendable {
    public struct Configuration: Sendable, Hashable {
        public var latitude: Double
        public var longitude: Double
        public var arrays: [PVArray]
        /// Devices whose `pv_power_w` adds up to the site's output; empty means every device reporting it.
        public var producers: [DeviceID]
        /// Readings older than this no longer count as the current output.
        public var maximumAge: TimeInterval
        /// Below this expected power (watts) the ratio is not reported: dawn and dusk make it noise.
        public var minimumExpectedW: Double
        /// The site's time zone: sunrise and sunset are reported as its local clock times.
        public var timeZone: TimeZone

        public init(
            latitude: Double,
            longitude: Double,
            arrays: [PVArray],
            producers: [DeviceID] = [],
            maximumAge: TimeInterval = 300,
            minimumExpectedW: Double? = nil,
            timeZone: TimeZone = TimeZone(identifier: "UTC")!
        ) {
            self.latitude = latitude
            self.longitude = longitude
            self.arrays = arrays
            self.producers = producers
            self.maximumAge = maximumAge
            self.timeZone = timeZone
            self.minimumExpectedW = minimumExpectedW ?? max(20, arrays.reduce(0) { $0 + $1.peakPowerKW } * 1_000 * 0.02)
        }
    }

    public static let expectedPower = FieldDescriptor.measurement("expected_pv_power_w", "Expected PV power", .watt, precision: 0, range: 0...1_000_000)
    public static let actualPower = FieldDescriptor.measurement("actual_pv_power_w", "Actual PV power", .watt, precision: 0, range: 0...1_000_000)
    public static let outputRatio = FieldDescriptor.measurement("sun_output_pct", "Output of expected", .percent, precision: 0, range: 0...1_000)
    public static let sunElevation = FieldDescriptor.measurement("sun_elevation_deg", "Sun elevation", .degree, precision: 1, range: -90...90)
    public static let sunAzimuth = FieldDescriptor.measurement("sun_azimuth_deg", "Sun azimuth", .degree, precision: 1, range: 0...360)
    public static let cloudCover = FieldDescriptor.measurement("cloud_cover_pct", "Cloud cover used", .percent, precision: 0, range: 0...100)
    /// Local clock time `HH:mm`, or `none` in polar day and night.
    public static let sunrise = FieldDescriptor.text("sunrise", "Sunrise", enumeration: false)
    public static let sunset = FieldDescriptor.text("sunset", "Sunset", enumeration: false)

    public let device: DeviceID
    public let configuration: Configuration
    private let feed: any LiveFeed
    private let cloudCover: @Sendable (Date) -> Double?
    private let now: @Sendable () -> Date
    private let readings = Mutex<[DeviceID: (time: Date, watts: Double)]>([:])

    /// - Parameters:
    ///   - cloudCover: cloud cover in percent at a time (from the weather device); nil assumes a clear sky.
    ///   - now: the clock, replaceable in tests.
    public init(
        device: DeviceID,
        configuration: Configuration,
        feed: any LiveFeed,
        cloudCover: @escaping @Sendable (Date) -> Double? = { _ in nil },
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.device = device
        self.configuration = configuration
        self.feed = feed
        self.cloudCover = cloudCover
        self.now = now
    }

    public func describe(logger: Logger) async throws -> DeviceDescriptor {
        let kwp = configuration.arrays.reduce(0) { $0 + $1.peakPowerKW }
        return DeviceDescriptor(
            kind: "solar-estimate",
            id: device,
            name: "Expected solar output",
            manufacturer: "Heliograph",
            model: "Clear-sky estimate, \(kwp) kWp",
            fields: [Self.expectedPower, Self.actualPower, Self.outputRatio, Self.sunElevation, Self.sunAzimuth, Self.cloudCover, Self.sunrise, Self.sunset]
        )
    }

    /// Records a sample's PV power if it comes from a producer. Called by `run()`; public for tests.
    public func observe(_ sample: Sample) {
        guard sample.device != device, let watts = sample.number(CommonFields.pvPower.id) else { return }
        guard configuration.producers.isEmpty || configuration.producers.contains(sample.device) else { return }
        readings.withLock { readings in
            // A late sample (out of order) never replaces a newer one.
            if let known = readings[sample.device], known.time > sample.time { return }
            readings[sample.device] = (sample.time, watts)
        }
    }

    public func run() async throws {
        for await sample in feed.subscribe().cancelOnGracefulShutdown() {
            observe(sample)
        }
    }

    public func poll(logger: Logger) async throws -> [Sample] {
        let time = now()
        let sun = SunPosition.position(at: time, latitude: configuration.latitude, longitude: configuration.longitude)
        let cloud = cloudCover(time)
        let expected = ExpectedOutput.power(
            arrays: configuration.arrays,
            at: time,
            latitude: configuration.latitude,
            longitude: configuration.longitude,
            cloudCoverPct: cloud
        )
        var values: [FieldID: FieldValue] = [
            Self.expectedPower.id: .number(expected.rounded()),
            Self.sunElevation.id: .number((sun.elevation * 10).rounded() / 10),
            Self.sunAzimuth.id: .number((sun.azimuth * 10).rounded() / 10),
        ]
        if let cloud { values[Self.cloudCover.id] = .number(cloud.rounded()) }
        let events = SunPosition.events(on: time, timeZone: configuration.timeZone, latitude: configuration.latitude, longitude: configuration.longitude)
        values[Self.sunrise.id] = .text(events.sunrise.map { clockTime($0, configuration.timeZone) } ?? "none")
        values[Self.sunset.id] = .text(events.sunset.map { clockTime($0, configuration.timeZone) } ?? "none")
        let fresh = readings.withLock { $0.values.filter { time.timeIntervalSince($0.time) <= configuration.maximumAge } }
        if !fresh.isEmpty {
            let actual = fresh.reduce(0) { $0 + $1.watts }
            values[Self.actualPower.id] = .number(actual.rounded())
            if expected >= configuration.minimumExpectedW {
                values[Self.outputRatio.id] = .number((actual / expected * 1_000).rounded() / 10)
            }
        }
        return [Sample(device: device, time: time, values: values)]
    }
}

/// `HH:mm` of `time` in `zone`.
private func clockTime(_ time: Date, _ zone: TimeZone) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    let parts = calendar.dateComponents([.hour, .minute], from: time.addingTimeInterval(30))  // rounded to the minute
    let hour = parts.hour ?? 0, minute = parts.minute ?? 0
    return (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
}
