import Foundation
import HeliographCore
import HeliographDevices
import HeliographHoymiles
import HeliographTesting
import Logging
import Testing

/// Runs the simulator and a driver pointed at it for the duration of `body`.
func withSimulatedDTU<Result: Sendable>(
    clock: ManualClock,
    resetHour: Int = 0,
    maximumInFlight: Int = HoymilesDTUDriver.defaultMaximumInFlight,
    simulatorAnswersConcurrently: Bool = false,
    lastKnownTotals: HoymilesDTUDriver.LastKnownTotals? = nil,
    _ body: @Sendable (HoymilesDTUSimulator, HoymilesDTUDriver) async throws -> Result
) async throws -> Result {
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let simulator = HoymilesDTUSimulator(
        configuration: .init(answersConcurrently: simulatorAnswersConcurrently),
        now: { clock.now },
        onReady: { portContinuation.yield($0) }
    )
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await simulator.run() }
        defer { group.cancelAll() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        let driver = HoymilesDTUDriver(
            configuration: .init(device: "roof-dtu", host: "127.0.0.1", port: port, dailyReset: .init(hour: resetHour, timeZone: TimeZone(identifier: "UTC")!), retry: RetryPolicy(attemptTimeout: .seconds(10)), maximumInFlight: maximumInFlight),
            now: { clock.now },
            lastKnownTotals: lastKnownTotals
        )
        group.addTask { try await driver.run() }
        return try await body(simulator, driver)
    }
}

@Suite struct HoymilesDTUDriverTests {
    let logger = Logger(label: "test")
    let inverters = HoymilesDTUSimulator.defaultInverters

    func sample(_ samples: [Sample], _ serial: HoymilesSerialNumber) throws -> Sample {
        try #require(samples.first { $0.device == HoymilesFields.inverterDevice(dtu: "roof-dtu", serial: serial) })
    }

    @Test func pollsEveryInverterAndPortOverTCP() async throws {
        let clock = ManualClock(utc(2026, 6, 1, 11, 30))
        try await withSimulatedDTU(clock: clock) { simulator, driver in
            let descriptor = try await driver.describe(logger: logger)
            #expect(descriptor.serial == "11d361600831")
            #expect(descriptor.kind == "hoymiles-dtu")

            let samples = try await driver.poll(logger: logger)
            #expect(samples.count == inverters.count + 1)
            for inverter in inverters {
                let sample = try sample(samples, inverter.serial)
                #expect(sample.time == clock.now)
                for port in 1...inverter.portCount {
                    let expected = simulator.portBlock(inverter, port: port, time: clock.now)
                    #expect(sample.number(HoymilesFields.pvVoltage(port)) == expected.pvVoltage)
                    #expect(sample.number(HoymilesFields.pvCurrent(port)) == expected.pvCurrent)
                    #expect(sample.number(HoymilesFields.pvPower(port)) == expected.pvPower)
                    #expect(sample.number(HoymilesFields.pvEnergyToday(port)) == Double(expected.todayProductionWh) / 1_000)
                    #expect(sample.number(HoymilesFields.pvEnergyTotal(port)) == Double(expected.totalProductionWh) / 1_000)
                    #expect(expected.pvPower > 50, "late morning must produce")
                }
                #expect(sample[HoymilesFields.pvPower(inverter.portCount + 1)] == nil)
                #expect(sample.number("grid_frequency_hz").map { abs($0 - 50) < 0.1 } == true)
                #expect(sample["asleep"] == .flag(false))
            }
            let plant = try #require(samples.first { $0.device == "roof-dtu" })
            #expect(plant.number("inverter_count") == 3)
            let perInverter = samples.filter { $0.device != "roof-dtu" }.compactMap { $0.number("pv_power_w") }.reduce(0, +)
            #expect(abs((plant.number("pv_power_w") ?? 0) - perInverter) < 1e-6)

            let devices = await driver.discoveredDevices()
            #expect(devices.map(\.serial) == inverters.map(\.serial.description))
            #expect(devices.allSatisfy { $0.parent == "roof-dtu" && $0.kind == "hoymiles-inverter" })
            #expect(devices.map { HoymilesQueries.portNumbers($0).count } == inverters.map(\.portCount))

            simulator.setAlarm(inverters[2].serial, code: 0x0123)
            let alarmed = try await driver.poll(logger: logger)
            #expect(try sample(alarmed, inverters[2].serial).number("alarm_code") == 0x0123)
            #expect(try sample(alarmed, inverters[0].serial).number("alarm_code") == 0)
            #expect(alarmed.first { $0.device == "roof-dtu" }?["alarm_active"] == .flag(true))

            let statistics = driver.statistics.snapshot
            // Per poll: 7 port blocks + the empty block ending the list, read in waves of 4; the DTU serial once.
            #expect(statistics.queries == 1 + 2 * 8)
            #expect(statistics.polls == 2)
            #expect(statistics.errors == 0)
            #expect(statistics.ports == 7)
            #expect(statistics.totalQuerySeconds > 0)
        }
    }

    @Test func oneRequestInFlightByDefault() {
        #expect(HoymilesDTUDriver.Configuration(device: "d", host: "h").maximumInFlight == 1)
        #expect(HoymilesDTUDriver(configuration: .init(device: "d", host: "h")).client.configuration.maximumInFlight == 1)
        #expect(ModbusTCPClient.Configuration().maximumInFlight == 1)
    }

    @Test(
        "pipelining still reads every port when configured, whether the DTU answers in order or out of order",
        arguments: [false, true]
    )
    func pipelinesWhenConfigured(simulatorAnswersConcurrently: Bool) async throws {
        let clock = ManualClock(utc(2026, 6, 1, 11, 30))
        try await withSimulatedDTU(clock: clock, maximumInFlight: 4, simulatorAnswersConcurrently: simulatorAnswersConcurrently) { simulator, driver in
            #expect(driver.client.configuration.maximumInFlight == 4)
            let samples = try await driver.poll(logger: logger)
            #expect(samples.count == inverters.count + 1)
            for inverter in inverters {
                let sample = try sample(samples, inverter.serial)
                for port in 1...inverter.portCount {
                    #expect(sample.number(HoymilesFields.pvPower(port)) == simulator.portBlock(inverter, port: port, time: clock.now).pvPower)
                }
            }
            // The DTU serial, then two waves of four port blocks (seven ports and the empty block
            // ending the scan): nothing was asked twice.
            #expect(simulator.requestCount == 1 + 8)
            #expect(driver.statistics.snapshot.errors == 0)
            #expect(await driver.client.statistics.timeouts == 0)
        }
    }

    @Test func nightAndLostInvertersKeepTotalsAndTheDayRestartsAtTheResetHour() async throws {
        let clock = ManualClock(utc(2026, 6, 1, 17))
        let mi = inverters[0].serial
        try await withSimulatedDTU(clock: clock) { simulator, driver in
            let evening = try sample(try await driver.poll(logger: logger), mi)
            let eveningToday = try #require(evening.number("pv_energy_today_kwh"))
            let eveningTotal = try #require(evening.number("pv_energy_total_kwh"))
            #expect(eveningToday > 0)

            // Lost by the DTU in daylight: zeros are not published.
            clock.set(utc(2026, 6, 1, 17, 5))
            simulator.setLost(mi, true)
            let lost = try sample(try await driver.poll(logger: logger), mi)
            #expect(lost["asleep"] == .flag(true))
            #expect(lost.number("pv_energy_today_kwh") ?? 0 >= eveningToday)
            #expect(lost.number("pv_energy_total_kwh") ?? 0 >= eveningTotal)
            simulator.setLost(mi, false)

            // Night: the simulator's DTU reports zeros; totals hold, power is zero.
            clock.set(utc(2026, 6, 1, 23))
            let night = try sample(try await driver.poll(logger: logger), mi)
            #expect(night["asleep"] == .flag(true))
            #expect(night.number("pv_power_w") == 0)
            let nightTotal = try #require(night.number("pv_energy_total_kwh"))
            #expect(nightTotal >= eveningTotal)
            #expect(night.number("pv_energy_today_kwh") ?? 0 >= eveningToday)

            // After midnight (reset hour 0 UTC) the day starts from zero, totals still held.
            clock.set(utc(2026, 6, 2, 3))
            let early = try sample(try await driver.poll(logger: logger), mi)
            #expect(early.number("pv_energy_today_kwh") == 0)
            #expect(early.number("pv_energy_total_kwh") == nightTotal)

            clock.set(utc(2026, 6, 2, 9))
            let morning = try sample(try await driver.poll(logger: logger), mi)
            #expect(morning["asleep"] == .flag(false))
            #expect((morning.number("pv_energy_today_kwh") ?? 0) > 0)
            #expect((morning.number("pv_energy_total_kwh") ?? 0) > nightTotal)
        }
    }

    /// Issue 18 item 4: after a restart, an inverter that is dead (the DTU reports zeros for it)
    /// still counts in the plant's total with the total last stored for it.
    @Test func plantTotalUsesADeadInvertersLastKnownTotalAfterARestart() async throws {
        let clock = ManualClock(utc(2026, 6, 1, 12))
        let store = InMemorySampleStore(now: { clock.now })
        let dead = inverters[0].serial
        let before = try await withSimulatedDTU(clock: clock) { _, driver in
            try await store.register(try await driver.describe(logger: logger))
            let samples = try await driver.poll(logger: logger)
            try await store.write(samples)
            for descriptor in await driver.discoveredDevices() { try await store.register(descriptor) }
            return samples
        }
        let deadTotal = try #require(try sample(before, dead).number("pv_energy_total_kwh"))

        clock.set(utc(2026, 6, 1, 12, 10))
        let queries = HoymilesQueries(store: store)
        let after = try await withSimulatedDTU(clock: clock, lastKnownTotals: { try await queries.lastKnownTotals(dtu: "roof-dtu") }) { simulator, driver in
            simulator.setLost(dead, true)
            return try await driver.poll(logger: logger)
        }
        let deadAfter = try sample(after, dead)
        #expect(deadAfter["asleep"] == .flag(true))
        #expect(deadAfter.number("pv_energy_total_kwh") == deadTotal, "held from the store")
        let alive = try inverters.dropFirst().map { try #require(try sample(after, $0.serial).number("pv_energy_total_kwh")) }
        let plant = try #require(after.first { $0.device == "roof-dtu" }?.number("pv_energy_total_kwh"), "the plant total is not hidden")
        #expect(abs(plant - (deadTotal + alive.reduce(0, +))) < 1e-9)

        // Without the stored totals (as before the fix) the dead inverter hides the plant total.
        let forgetful = try await withSimulatedDTU(clock: clock) { simulator, driver in
            simulator.setLost(dead, true)
            return try await driver.poll(logger: logger)
        }
        #expect(forgetful.first { $0.device == "roof-dtu" }?.number("pv_energy_total_kwh") == nil)
    }

    @Test func queriesAnswerFromTheStore() async throws {
        let clock = ManualClock(utc(2026, 6, 1, 12))
        let store = InMemorySampleStore(now: { clock.now })
        try await withSimulatedDTU(clock: clock) { simulator, driver in
            try await store.register(try await driver.describe(logger: logger))
            for minute in 0..<3 {
                clock.set(utc(2026, 6, 1, 12, minute))
                try await store.write(try await driver.poll(logger: logger))
                for descriptor in await driver.discoveredDevices() { try await store.register(descriptor) }
            }
        }
        let queries = HoymilesQueries(store: store)
        let listed = try await queries.inverters(dtu: "roof-dtu")
        #expect(listed.count == 3)
        #expect(listed.allSatisfy { $0.lastSeen == utc(2026, 6, 1, 12, 2) && $0.firstSeen == utc(2026, 6, 1, 12, 0) })
        let hm = HoymilesFields.inverterDevice(dtu: "roof-dtu", serial: inverters[1].serial)
        let ports = try await queries.ports(inverter: hm)
        #expect(ports.map(\.port) == [1, 2, 3, 4])
        #expect(ports.allSatisfy { ($0.power ?? 0) > 0 && $0.serial == inverters[1].serial.description })
        #expect(try await queries.allPorts(dtu: "roof-dtu").count == 7)
        let history = try await queries.history(inverter: hm, field: "pv2_power_w", from: utc(2026, 6, 1, 0), to: utc(2026, 6, 2, 0))
        #expect(history.count == 3)
        let production = try await queries.currentProduction(dtu: "roof-dtu")
        #expect(production.inverters == 3)
        #expect(production.producingInverters == 3)
        #expect(production.powerW > 0)
        let latest = try await queries.latest(inverter: hm)
        #expect(latest?.time == utc(2026, 6, 1, 12, 2))
        let missing = await #expect(throws: HeliographError.self) { try await queries.latest(inverter: "roof-dtu-000000000000") }
        #expect(missing?.code == .notFound)
    }
}
