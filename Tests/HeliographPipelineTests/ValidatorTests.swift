import Foundation
import HeliographCore
import Testing

@testable import HeliographPipeline

@Suite("Validator")
struct ValidatorTests {
    let device: DeviceID = "inverter"
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func sample(at seconds: TimeInterval, _ values: [FieldID: FieldValue]) -> Sample {
        Sample(device: device, time: start.addingTimeInterval(seconds), values: values)
    }

    func battery(_ soc: Double, voltage: Double = 52.1, at seconds: TimeInterval, pv: Double = 1_200) -> Sample {
        sample(at: seconds, ["battery_soc_pct": .number(soc), "battery_voltage_v": .number(voltage), "pv_power_w": .number(pv)])
    }

    @Test("a plausible sample passes unchanged")
    func plausiblePasses() {
        var validator = Validator()
        let input = battery(80, at: 0)
        let outcome = validator.validate(input)
        #expect(outcome.sample == input)
        #expect(outcome.rejections.isEmpty)
        #expect(validator.discarded(device: device) == 0)
    }

    @Test("an out-of-range ordinary field is dropped, the rest of the sample kept")
    func outOfRangeDropsField() {
        var validator = Validator()
        let input = sample(at: 0, ["grid_voltage_v": 9_999, "pv_power_w": 500, "operating_mode": "Battery"])
        let outcome = validator.validate(input)
        #expect(outcome.sample?.values == ["pv_power_w": 500, "operating_mode": "Battery"])
        #expect(outcome.rejections == [Validator.Rejection(reason: .outOfRange, field: "grid_voltage_v")])
        #expect(validator.counts[device]?[.outOfRange] == 1)
    }

    @Test("NaN and infinity are out of range even without a declared range")
    func nonFiniteDropped() {
        var validator = Validator()
        let outcome = validator.validate(sample(at: 0, ["custom_thing_w": .number(.nan), "other_w": .number(.infinity), "fine_w": 3]))
        #expect(outcome.sample?.values == ["fine_w": 3])
        #expect(validator.counts[device]?[.outOfRange] == 2)
    }

    @Test("ranges come from the registered descriptor once known")
    func descriptorRanges() {
        var validator = Validator()
        let field = FieldDescriptor.measurement("pv1_power_w", "PV1 power", .watt, range: 0...5_000)
        #expect(validator.validate(sample(at: 0, ["pv1_power_w": 6_000])).sample?.values == ["pv1_power_w": 6_000])
        validator.register(DeviceDescriptor(kind: "pi30", id: device, manufacturer: "Test", model: "T", fields: [field]))
        #expect(validator.validate(sample(at: 10, ["pv1_power_w": 6_000])).sample?.values == [:])
        #expect(validator.counts[device]?[.outOfRange] == 1)
    }

    @Test("a key field out of range discards the whole sample")
    func keyFieldDiscardsSample() {
        var validator = Validator()
        let outcome = validator.validate(battery(80, voltage: 4_000, at: 0))
        #expect(outcome.sample == nil)
        #expect(outcome.rejections.map(\.reason) == [.keyFieldOutOfRange])
        #expect(validator.counts[device]?[.keyFieldOutOfRange] == 1)
    }

    @Test("SOC 0 with battery voltage 0 discards the sample")
    func zeroBatteryDiscards() {
        var validator = Validator()
        #expect(validator.validate(battery(0, voltage: 0, at: 0)).sample == nil)
        #expect(validator.counts[device]?[.zeroBattery] == 1)
        // SOC 0 with a real voltage is a flat battery, not a blank frame.
        #expect(validator.validate(battery(0, voltage: 44.0, at: 10)).sample != nil)
    }

    @Test("all zeros right after production are discarded until they persist")
    func allZeroAfterProduction() {
        var validator = Validator(configuration: .init(confirmations: 3))
        let zeros: [FieldID: FieldValue] = ["pv_power_w": 0, "load_power_w": 0, "grid_voltage_v": 0]
        #expect(validator.validate(sample(at: 0, ["pv_power_w": 900, "load_power_w": 300, "grid_voltage_v": 230])).sample != nil)
        #expect(validator.validate(sample(at: 10, zeros)).sample == nil)
        #expect(validator.validate(sample(at: 20, zeros)).sample == nil)
        // The third consecutive all-zero reading is believed: the device really stopped.
        #expect(validator.validate(sample(at: 30, zeros)).sample != nil)
        #expect(validator.validate(sample(at: 40, zeros)).sample != nil)
        #expect(validator.counts[device]?[.allZero] == 2)
    }

    @Test("all zeros from a device that was idle are accepted")
    func allZeroWhenIdle() {
        var validator = Validator()
        let zeros: [FieldID: FieldValue] = ["pv_power_w": 0, "load_power_w": 0, "grid_voltage_v": 0]
        #expect(validator.validate(sample(at: 0, zeros)).sample != nil)
        #expect(validator.discarded(device: device) == 0)
    }

    @Test("a single blank frame between productive ones is dropped and production resumes")
    func blankFrameBetweenProduction() {
        var validator = Validator()
        let zeros: [FieldID: FieldValue] = ["pv_power_w": 0, "load_power_w": 0, "grid_voltage_v": 0]
        let producing: [FieldID: FieldValue] = ["pv_power_w": 900, "load_power_w": 300, "grid_voltage_v": 230]
        #expect(validator.validate(sample(at: 0, producing)).sample != nil)
        #expect(validator.validate(sample(at: 10, zeros)).sample == nil)
        #expect(validator.validate(sample(at: 20, producing)).sample != nil)
        #expect(validator.validate(sample(at: 30, zeros)).sample == nil)
        #expect(validator.counts[device]?[.allZero] == 2)
    }

    @Test("a SOC jump over 5 points within 120 s drops only the SOC field")
    func socJumpDropsField() {
        var validator = Validator()
        #expect(validator.validate(battery(80, at: 0)).sample?.number("battery_soc_pct") == 80)
        let jumped = validator.validate(battery(60, at: 10))
        #expect(jumped.sample != nil)
        #expect(jumped.sample?.number("battery_soc_pct") == nil)
        #expect(jumped.sample?.number("pv_power_w") == 1_200)
        #expect(jumped.rejections == [Validator.Rejection(reason: .socJump, field: "battery_soc_pct")])
        // Small moves from the accepted level are fine.
        #expect(validator.validate(battery(83, at: 20)).sample?.number("battery_soc_pct") == 83)
    }

    @Test("a new SOC level is accepted once it persists")
    func socNewLevelAccepted() {
        var validator = Validator(configuration: .init(confirmations: 3))
        #expect(validator.validate(battery(80, at: 0)).sample?.number("battery_soc_pct") == 80)
        #expect(validator.validate(battery(95, at: 10)).sample?.number("battery_soc_pct") == nil)
        #expect(validator.validate(battery(96, at: 20)).sample?.number("battery_soc_pct") == nil)
        #expect(validator.validate(battery(95, at: 30)).sample?.number("battery_soc_pct") == 95)
        #expect(validator.validate(battery(94, at: 40)).sample?.number("battery_soc_pct") == 94)
        #expect(validator.counts[device]?[.socJump] == 2)
    }

    @Test("an isolated SOC glitch does not count towards a later jump")
    func socGlitchResets() {
        var validator = Validator(configuration: .init(confirmations: 2))
        _ = validator.validate(battery(80, at: 0))
        #expect(validator.validate(battery(20, at: 10)).sample?.number("battery_soc_pct") == nil)
        #expect(validator.validate(battery(50, at: 20)).sample?.number("battery_soc_pct") == nil)
        #expect(validator.validate(battery(81, at: 30)).sample?.number("battery_soc_pct") == 81)
    }

    @Test("a SOC change after more than 120 s without a reading is accepted")
    func socAfterWindow() {
        var validator = Validator()
        _ = validator.validate(battery(80, at: 0))
        #expect(validator.validate(battery(60, at: 121)).sample?.number("battery_soc_pct") == 60)
        #expect(validator.discarded(device: device) == 0)
    }

    @Test("state and counts are kept per device")
    func perDevice() {
        var validator = Validator()
        _ = validator.validate(battery(80, at: 0))
        let other = Sample(device: "other", time: start.addingTimeInterval(10), values: ["battery_soc_pct": 20, "battery_voltage_v": 50])
        #expect(validator.validate(other).sample?.number("battery_soc_pct") == 20)
        _ = validator.validate(battery(10, at: 10))
        #expect(validator.counts[device]?[.socJump] == 1)
        #expect(validator.counts["other"] == nil)
    }

    @Test("batch validation keeps order and drops discarded samples")
    func batch() {
        var validator = Validator()
        let samples = [battery(80, at: 0), battery(0, voltage: 0, at: 10), battery(81, at: 20)]
        #expect(validator.validate(samples).map(\.time) == [samples[0].time, samples[2].time])
    }
}
