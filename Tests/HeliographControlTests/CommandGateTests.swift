import Foundation
import HeliographControl
import HeliographCore
import HeliographTesting
import Synchronization
import Testing

/// A clock the test moves by hand.
final class ManualTime: Sendable {
    private let value = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date { value.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { value.withLock { $0 += seconds } }
}

@Suite struct CommandGateTests {
    let driver = RecordingSettingsDriver()
    let audit = InMemoryAuditLog()
    let time = ManualTime()
    let caller = Caller.user("alice")

    func gate(limit: RateLimiter.Limit = .init(burst: 100, interval: 1), timeout: Duration = .seconds(5)) -> CommandGate {
        let time = self.time
        return CommandGate(
            drivers: ["inv1": driver],
            audit: audit,
            configuration: .init(rateLimit: limit, applyTimeout: timeout),
            now: { time.now }
        )
    }

    @Test func appliesAnAllowedChangeAndAuditsItWithReadBack() async throws {
        let entry = try await gate().submit(SettingChange(device: "inv1", setting: "output_source_priority", value: .choice("sbu")), by: caller)
        #expect(entry.result == "applied")
        #expect(entry.readBack == .choice("sbu"))
        #expect(driver.applied == [SettingChange(device: "inv1", setting: "output_source_priority", value: .choice("sbu"))])
        let log = await audit.all
        #expect(log.count == 1)
        #expect(log.first?.actor == "user:alice")
        #expect(log.first?.time == time.now)
    }

    @Test func refusesASettingOffTheAllowListWithoutTouchingTheDevice() async throws {
        let error = await #expect(throws: HeliographError.self) {
            try await gate().submit(SettingChange(device: "inv1", setting: "factory_reset", value: .toggle(true)), by: caller)
        }
        #expect(error?.code == .settingRejected)
        #expect(error?.message.contains("allowed: output_source_priority, max_charge_current, buzzer") == true)
        #expect(driver.applied.isEmpty)
        #expect(await audit.all.map(\.result) == ["rejected"])
    }

    @Test(arguments: [
        SettingValue.number(130),  // above range
        .number(5),  // below range
        .number(25),  // off the 10 A step
        .choice("ten"),  // wrong kind
    ])
    func refusesOutOfRangeValues(_ value: SettingValue) async throws {
        let error = await #expect(throws: HeliographError.self) {
            try await gate().submit(SettingChange(device: "inv1", setting: "max_charge_current", value: value), by: caller)
        }
        #expect(error?.code == .settingRejected)
        #expect(error?.device == "inv1")
        #expect(driver.applied.isEmpty)
    }

    @Test func unknownDeviceIsNotFound() async throws {
        let error = await #expect(throws: HeliographError.self) {
            try await gate().submit(SettingChange(device: "nope", setting: "buzzer", value: .toggle(true)), by: caller)
        }
        #expect(error?.code == .notFound)
        #expect(await audit.all.first?.result == "rejected")
    }

    @Test func dryRunChecksAndAuditsButNeverApplies() async throws {
        let entry = try await gate().submit(SettingChange(device: "inv1", setting: "max_charge_current", value: .number(60)), by: caller, dryRun: true)
        #expect(entry.result == "dry-run")
        #expect(entry.dryRun)
        #expect(driver.applied.isEmpty)
        #expect(await audit.all.map(\.result) == ["dry-run"])
    }

    @Test func rateLimitStopsABurstPerCallerAndRefillsOverTime() async throws {
        let gate = gate(limit: .init(burst: 2, interval: 10))
        let change = SettingChange(device: "inv1", setting: "buzzer", value: .toggle(false))
        try await gate.submit(change, by: caller)
        try await gate.submit(change, by: caller)
        let error = await #expect(throws: HeliographError.self) { try await gate.submit(change, by: caller) }
        #expect(error?.code == .rateLimited)
        // Another caller has its own bucket.
        try await gate.submit(change, by: .token("ci"))
        time.advance(10)
        try await gate.submit(change, by: caller)
        #expect(driver.applied.count == 4)
        #expect(await audit.all.map(\.result) == ["applied", "applied", "rejected", "applied", "applied"])
    }

    @Test func readBackThatDiffersIsAFailure() async throws {
        driver.setBehaviour(.readBack(.number(100)))
        let error = await #expect(throws: HeliographError.self) {
            try await gate().submit(SettingChange(device: "inv1", setting: "max_charge_current", value: .number(120)), by: caller)
        }
        #expect(error?.code == .unexpectedResponse)
        let entry = try #require(await audit.all.first)
        #expect(entry.result == "failed")
        #expect(entry.readBack == .number(100))
    }

    @Test func deviceRefusalAndDeviceErrorsAreAudited() async throws {
        let change = SettingChange(device: "inv1", setting: "buzzer", value: .toggle(true))
        driver.setBehaviour(.refuse)
        let refused = await #expect(throws: HeliographError.self) { try await gate().submit(change, by: caller) }
        #expect(refused?.code == .deviceRejected)
        driver.setBehaviour(.fail(HeliographError(.timeout, "no answer")))
        let failed = await #expect(throws: HeliographError.self) { try await gate().submit(change, by: caller) }
        #expect(failed?.code == .timeout)
        #expect(failed?.device == "inv1")
        #expect(await audit.all.map(\.result) == ["rejected", "failed"])
    }

    @Test func checkNormalisesWithoutAuditing() async throws {
        let gate = gate()
        #expect(try gate.check(SettingChange(device: "inv1", setting: "max_charge_current", value: .number(40))) == .number(40))
        #expect(gate.allowList["inv1"]?.map(\.id) == ["output_source_priority", "max_charge_current", "buzzer"])
        #expect(await audit.all.isEmpty)
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func nonFiniteNumbersAreRejectedAndAuditedInAFormTheStoresCanWrite(value: Double) async throws {
        // Web, MQTT and rules all come through the gate; the stores write each entry as JSON, which has no NaN.
        await #expect {
            try await gate().submit(SettingChange(device: "inv1", setting: "max_charge_current", value: .number(value)), by: caller)
        } throws: { error in
            (error as? HeliographError)?.code == .settingRejected && (error as? HeliographError)?.message.contains("must be a finite number") == true
        }
        #expect(driver.applied.isEmpty)
        let entry = try #require(await audit.all.first)
        #expect(entry.result == "rejected")
        #expect(entry.change.value == .choice("\(value)"))
        _ = try JSONEncoder().encode(entry)
    }
}
