import Foundation
import HeliographCore
import Testing

@testable import HeliographAutomation

private let utc = TimeZone(identifier: "UTC")!
private let midnight = Date(timeIntervalSince1970: 1_782_000_000)  // 2026-06-21 00:00 UTC

private func boilerRule(minimumOn: TimeInterval = 0, minimumOff: TimeInterval = 0, window: TimeWindow? = nil) -> SwitchRule {
    SwitchRule(
        id: "boiler",
        onWhen: [condition("inverter.battery_soc_pct > 90"), condition("inverter.pv_power_w > inverter.load_power_w + 1500")],
        offWhen: [condition("inverter.battery_soc_pct < 60")],
        minimumOn: minimumOn,
        minimumOff: minimumOff,
        window: window
    )
}

private func inverterSample(minute: Int, soc: Double, pv: Double = 4_000, load: Double = 800) -> Sample {
    Sample(device: "inverter", time: midnight.addingTimeInterval(Double(minute) * 60), values: ["battery_soc_pct": .number(soc), "pv_power_w": .number(pv), "load_power_w": .number(load)])
}

@Suite("Load switching engine")
struct SwitchEngineTests {
    @Test("A simulated day's SOC curve switches the boiler exactly once per threshold crossing")
    func socCurve() throws {
        var engine = SwitchEngine(rules: [boilerRule()], timeZone: utc)
        var readings = Readings()
        var decisions: [(minute: Int, decision: SwitchDecision)] = []
        for minute in 0..<(24 * 60) {
            readings.record(inverterSample(minute: minute, soc: simulatedSOC(minute: minute)))
            for decision in engine.evaluate(readings: readings, now: midnight.addingTimeInterval(Double(minute) * 60)) {
                decisions.append((minute, decision))
            }
        }
        // At start the switch's state is unknown; the night's low SOC (< 60) switches it off explicitly.
        try #require(decisions.count == 3, "\(decisions.map { "\($0.minute): \($0.decision.on)" })")
        #expect(decisions[0].minute == 0 && !decisions[0].decision.on)
        let on = decisions[1], off = decisions[2]
        #expect(on.decision.on && !off.decision.on)
        // SOC first exceeds 90 in the morning ramp (about 12:20 with jitter) and falls below 60 about 21:06.
        #expect(simulatedSOC(minute: on.minute) > 90 && (0..<on.minute).allSatisfy { simulatedSOC(minute: $0) <= 90 })
        #expect(simulatedSOC(minute: off.minute) < 60)
        #expect(on.decision.reason.contains("inverter.battery_soc_pct") && on.decision.reason.contains("> 90"))
        #expect(off.decision.reason.hasPrefix("inverter.battery_soc_pct") && off.decision.reason.contains("< 60"))
    }

    @Test("Between the thresholds the load keeps its state (hysteresis); PV surplus gates switching on")
    func hysteresis() {
        var engine = SwitchEngine(rules: [boilerRule()], timeZone: utc)
        var readings = Readings()
        func step(_ minute: Int, soc: Double, pv: Double = 4_000) -> [Bool] {
            readings.record(inverterSample(minute: minute, soc: soc, pv: pv))
            return engine.evaluate(readings: readings, now: midnight.addingTimeInterval(Double(minute) * 60)).map(\.on)
        }
        #expect(step(0, soc: 95, pv: 1_000) == [])  // full battery but no surplus
        #expect(step(1, soc: 95) == [true])
        #expect(step(2, soc: 75) == [])  // between 60 and 90: stays on
        #expect(step(3, soc: 91, pv: 0) == [])  // on conditions fail but no off condition: stays on
        #expect(step(4, soc: 59) == [false])
        #expect(step(5, soc: 75) == [])  // stays off
        #expect(step(6, soc: 89.9) == [])
        #expect(step(7, soc: 90.1) == [true])
    }

    @Test("Minimum on and off times delay changes, which happen on a later evaluation")
    func minimumTimes() {
        var engine = SwitchEngine(rules: [boilerRule(minimumOn: 600, minimumOff: 300)], timeZone: utc)
        var readings = Readings()
        readings.record(inverterSample(minute: 0, soc: 95))
        #expect(engine.evaluate(readings: readings, now: midnight).map(\.on) == [true])
        readings.record(inverterSample(minute: 1, soc: 50))
        #expect(engine.evaluate(readings: readings, now: midnight.addingTimeInterval(60)).isEmpty)
        #expect(engine.evaluate(readings: readings.refreshed(minute: 9), now: midnight.addingTimeInterval(599)).isEmpty)
        let off = engine.evaluate(readings: readings.refreshed(minute: 10), now: midnight.addingTimeInterval(600))
        #expect(off.map(\.on) == [false])
        var later = readings
        later.record(inverterSample(minute: 11, soc: 95))
        #expect(engine.evaluate(readings: later, now: midnight.addingTimeInterval(660)).isEmpty)  // only 60 s off
        #expect(engine.evaluate(readings: later.refreshed(minute: 15, soc: 95), now: midnight.addingTimeInterval(900)).map(\.on) == [true])
    }

    @Test("Outside its window a load is switched off and never on")
    func window() throws {
        var engine = SwitchEngine(rules: [boilerRule(window: try TimeWindow.parse("10:00-16:00"))], timeZone: utc)
        var readings = Readings()
        readings.record(inverterSample(minute: 9 * 60, soc: 95))
        let early = engine.evaluate(readings: readings, now: midnight.addingTimeInterval(9 * 3_600))
        #expect(early.map(\.on) == [false])
        #expect(early.first?.reason == "outside the time window 10:00–16:00")
        readings.record(inverterSample(minute: 10 * 60, soc: 95))
        #expect(engine.evaluate(readings: readings, now: midnight.addingTimeInterval(10 * 3_600)).map(\.on) == [true])
        readings.record(inverterSample(minute: 16 * 60, soc: 95))
        #expect(engine.evaluate(readings: readings, now: midnight.addingTimeInterval(16 * 3_600)).map(\.on) == [false])
    }

    @Test("A forecast condition is a condition on a weather field; stale readings decide nothing")
    func forecastAndStaleness() {
        let rule = SwitchRule(
            id: "pool",
            onWhen: [condition("inverter.battery_soc_pct > 80"), condition("weather.forecast_cloud_cover_3h_pct < 50")],
            offWhen: [condition("inverter.battery_soc_pct < 50")],
            maximumAge: 300
        )
        var engine = SwitchEngine(rules: [rule], timeZone: utc)
        var readings = Readings()
        readings.record(inverterSample(minute: 0, soc: 85))
        readings.record(Sample(device: "weather", time: midnight, values: ["forecast_cloud_cover_3h_pct": 80]))
        #expect(engine.evaluate(readings: readings, now: midnight).isEmpty)  // cloudy hours ahead
        readings.record(Sample(device: "weather", time: midnight.addingTimeInterval(60), values: ["forecast_cloud_cover_3h_pct": 20]))
        #expect(engine.evaluate(readings: readings, now: midnight.addingTimeInterval(60)).map(\.on) == [true])
        // Ten minutes without inverter data: nothing is decided, even though the last SOC was low.
        readings.record(inverterSample(minute: 2, soc: 40))
        #expect(engine.evaluate(readings: readings, now: midnight.addingTimeInterval(120 + 600)).isEmpty)
    }
}

extension Readings {
    /// The same readings re-stamped at `minute` (the inverter keeps reporting the same values).
    fileprivate func refreshed(minute: Int, soc: Double? = nil) -> Readings {
        var copy = self
        let now = midnight.addingTimeInterval(Double(minute) * 60)
        let key = SeriesKey(device: "inverter", field: "battery_soc_pct")
        let value = soc ?? self.value(key, now: now, maximumAge: .infinity) ?? 0
        copy.record(inverterSample(minute: minute, soc: value))
        return copy
    }
}
