import Foundation
import HeliographAutomation
import HeliographCore
import HeliographDevices
import HeliographWeather
import Synchronization

/// The place the demo pretends to be: Greenwich, with one south-facing array and one household per
/// simulated inverter, under one seeded sky. Both the history and the live simulators are made
/// from it, so the live readings carry on where the history stops.
public struct DemoSite: Sendable {
    public var latitude = 51.4769
    public var longitude = -0.0005
    public var timeZone = "Europe/London"
    /// Which weather: the same seed gives the same cloudy and clear days.
    public var seed: UInt64 = 24_301
    /// Each inverter's array; the simulator's peak follows it.
    public var array = PVArray(peakPowerKW: 5, tilt: 35, azimuth: 180)

    public init() {}

    public var sky: SimulatedSky { SimulatedSky(seed: seed, latitude: latitude, longitude: longitude) }

    /// Inverter `index`'s model: the array under the sky, its own household, a 10 kWh battery.
    public func simulator(_ index: Int) -> PI30Simulator {
        let sky = sky
        let arrays = [array]
        let household = SimulatedHousehold(seed: seed &+ UInt64(index), timeZone: TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!)
        let noiseSeed = seed &+ 1_000 &+ UInt64(index)
        let environment = PI30Simulator.Environment(
            pvPower: { time in
                // A panel reads a few percent under the model, and not the same each minute.
                let jitter = SplitMix64.unit(seed: noiseSeed, index: Int64(time.timeIntervalSince1970 / 60), salt: 21)
                return sky.pvPower(arrays: arrays, at: time) * (0.95 + 0.04 * jitter)
            },
            loadPower: { household.loadPower(at: $0) }
        )
        var state = PI30Simulator.State()
        state.stateOfCharge = 55
        return PI30Simulator(state: state, peakPVPower: array.peakPowerKW * 1_000, seed: noiseSeed, environment: environment)
    }

    /// Simulated time: from `origin`, `speed` times faster than the wall clock.
    func clock(origin: Date, speed: Double) -> @Sendable () -> Date {
        SimulatedWeatherOptions.clock(origin: origin, speed: speed, now: { Date() })
    }
}

/// Stands in for the relays of the demo's load switches, which have no broker to listen on: keeps
/// what each was last told, so the switch service's commands land somewhere and can be checked.
final class DemoRelays: MessagePublisher {
    private let states = Mutex<[String: String]>([:])

    func publish(topic: String, payload: String, retain: Bool) async throws {
        states.withLock { $0[topic] = payload }
    }

    /// The last payload sent to `topic`.
    func state(of topic: String) -> String? { states.withLock { $0[topic] } }
}
