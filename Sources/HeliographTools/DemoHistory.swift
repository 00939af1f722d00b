import Foundation
import HeliographCore
import HeliographDevices
import HeliographPI30
import HeliographWeather
import Logging

/// The demo's past: days of readings for the store, so every page has history on first look.
///
/// Each inverter's readings come from the same simulator model the live demo polls (its replies
/// decoded by the PI30 codec, so the fields are the driver's), driven by the site's sun, a seeded
/// weather and a household's load; the battery integrates PV minus load. The weather device's
/// readings come from the same sky. `generate` runs the model forward through the days in memory;
/// `History.write` stores days through `SampleStore.write`, which builds the rollups as for live data.
public struct DemoHistory: Sendable {
    public var days: Int
    /// Time between two readings: 4 minutes keeps 30 days of one inverter to ~11 000 samples, is
    /// within the energy integration's longest gap (15 minutes), and is close enough for the store to
    /// recompute a late day's 1-minute buckets with one read per series (it joins buckets up to 4
    /// apart), which the demo's background writes are.
    public var step: TimeInterval
    /// The PI30 queries the live driver sends on each poll.
    static let queries: [PI30Command] = [.qpigs, .qmod, .qpiws]

    public init(days: Int = 30, step: TimeInterval = 240) {
        self.days = days
        self.step = step
    }

    /// The generated readings, ready to store.
    public struct History: Sendable {
        /// What the drivers would register: written first, so the devices are known before their readings.
        public var descriptors: [DeviceDescriptor]
        /// The readings of each day, oldest day first.
        public var days: [[Sample]]
        /// Each inverter's simulator as the history left it (state of charge), to carry on live from.
        public var simulators: [DeviceID: PI30Simulator]
        public var generating: Duration

        public var samples: Int { days.reduce(0) { $0 + $1.count } }

        /// Registers the devices and writes the days at `indices`, in that order; returns how long it took.
        @discardableResult
        public func write(to store: any SampleStore, days indices: [Int]) async throws -> Duration {
            let started = ContinuousClock.now
            for descriptor in descriptors { try await store.register(descriptor) }
            for index in indices {
                try Task.checkCancellation()
                try await store.write(days[index])
            }
            return ContinuousClock.now - started
        }
    }

    /// Runs `inverters` (each with its own simulator) and `weather` from `days` before `end` up to
    /// just before `end`, one reading every `step`.
    public func generate(
        inverters: [(id: DeviceID, simulator: PI30Simulator)],
        weather: (id: DeviceID, sky: SimulatedSky)?,
        end: Date
    ) async throws -> History {
        let started = ContinuousClock.now
        var descriptors = inverters.map { Self.descriptor($0.id, $0.simulator) }
        if let weather {
            let driver = SimulatedWeatherDriver(device: weather.id, sky: weather.sky, simulatedTime: { end })
            descriptors.append(try await driver.describe(logger: Logger(label: "heliograph.demo")))
        }
        var simulators = Dictionary(uniqueKeysWithValues: inverters.map { ($0.id, $0.simulator) })
        let perDay = Int((86_400 / step).rounded(.down))
        var days: [[Sample]] = []
        var dayStart = end.addingTimeInterval(-Double(self.days) * 86_400)
        while dayStart < end {
            var batch: [Sample] = []
            batch.reserveCapacity(perDay * (inverters.count + 1))
            for index in 0..<perDay {
                let time = dayStart.addingTimeInterval(Double(index) * step)
                guard time < end else { break }
                for (id, _) in inverters {
                    batch.append(Sample(device: id, time: time, values: try Self.poll(&simulators[id]!, at: time)))
                }
                if let weather {
                    batch.append(Sample(device: weather.id, time: time, values: SimulatedWeatherDriver.values(weather.sky.conditions(at: time))))
                }
            }
            days.append(batch)
            dayStart = dayStart.addingTimeInterval(Double(perDay) * step)
            // A day at a time, so the daemon's pollers and web server run in between.
            await Task.yield()
            try Task.checkCancellation()
        }
        return History(descriptors: descriptors, days: days, simulators: simulators, generating: ContinuousClock.now - started)
    }

    /// What the PI30 driver reports of a simulated inverter (`PI30Driver.describe` reads the same from QID, QVFW and QPIRI).
    static func descriptor(_ id: DeviceID, _ simulator: PI30Simulator) -> DeviceDescriptor {
        DeviceDescriptor(
            kind: "pi30", id: id, manufacturer: "Voltronic Power", model: "PI30 5000 VA 48 V",
            serial: simulator.serialNumber, firmware: simulator.firmwareVersion, fields: PI30Fields.all
        )
    }

    /// One poll as the PI30 driver makes it: each query answered by the simulator and decoded.
    static func poll(_ simulator: inout PI30Simulator, at time: Date) throws -> [FieldID: FieldValue] {
        var values: [FieldID: FieldValue] = [:]
        for command in queries {
            guard let payload = simulator.respond(to: command, at: time) else { continue }
            values.merge(PI30Fields.values(from: try PI30Response.decode(payload: payload, for: command))) { _, new in new }
        }
        PI30Fields.combinePV(&values)
        return values
    }
}
