import Foundation
import HeliographCore
import Testing

@testable import HeliographAutomation

private let start = Date(timeIntervalSince1970: 1_782_036_000)

private func at(_ seconds: TimeInterval) -> Date { start.addingTimeInterval(seconds) }

private func battery(_ seconds: TimeInterval, volts: Double) -> Sample {
    Sample(device: "inverter", time: at(seconds), values: ["battery_voltage_v": .number(volts)])
}

@Suite("Alert engine")
struct AlertEngineTests {
    @Test("A threshold with hysteresis fires once, stays quiet while firing, and clears once")
    func threshold() {
        let rule = AlertRule(
            name: "battery-low",
            trigger: .threshold(when: condition("inverter.battery_voltage_v < 46"), clear: condition("inverter.battery_voltage_v > 48")),
            severity: "critical"
        )
        var engine = AlertEngine(rules: [rule], started: start)
        var readings = Readings()
        var log: [AlertRecord] = []
        for (second, volts) in [(0.0, 50.0), (10, 45.9), (20, 45.5), (30, 46.5), (40, 45.8), (50, 47.9), (60, 48.1), (70, 48.5), (80, 45)] {
            readings.record(battery(second, volts: volts))
            log += engine.evaluate(readings: readings, now: at(second))
        }
        #expect(log.map(\.state) == [.firing, .resolved, .firing])
        #expect(log.map(\.time) == [at(10), at(60), at(80)])
        #expect(log.allSatisfy { $0.notified })
        #expect(log[0].message == "inverter.battery_voltage_v 45.9 < 46")
        #expect(log[1].message == "resolved: inverter.battery_voltage_v 48.1 > 48")
        #expect(engine.firing.map(\.rule) == ["battery-low"])
    }

    @Test("Repeats are suppressed unless asked for; a re-firing soon after clearing is shown but not notified")
    func suppression() {
        let rule = AlertRule(
            name: "hot",
            trigger: .threshold(when: condition("inverter.inverter_temperature_c > 70"), clear: nil),
            repeatEvery: 3_600,
            quietAfterResolve: 600
        )
        var engine = AlertEngine(rules: [rule], started: start)
        var readings = Readings()
        func step(_ seconds: TimeInterval, _ celsius: Double) -> [AlertRecord] {
            readings.record(Sample(device: "inverter", time: at(seconds), values: ["inverter_temperature_c": .number(celsius)]))
            return engine.evaluate(readings: readings, now: at(seconds))
        }
        #expect(step(0, 75).map(\.notified) == [true])
        #expect(step(60, 76).isEmpty)
        #expect(step(3_599, 76).isEmpty)
        let repeated = step(3_600, 77)
        #expect(repeated.count == 1 && repeated[0].notified && repeated[0].message.hasPrefix("still: "))
        #expect(step(3_700, 65).map(\.state) == [.resolved])
        let flapped = step(3_800, 72)  // within 10 min of clearing
        #expect(flapped.map(\.state) == [.firing] && flapped.map(\.notified) == [false])
        let cleared = step(3_900, 60)
        #expect(cleared.map(\.notified) == [false], "a firing nobody heard of clears quietly")
        #expect(step(5_000, 72).map(\.notified) == [true])
    }

    @Test("Staleness: no data for N minutes fires, data again clears; a device never heard from counts from the start")
    func staleness() {
        let rules = [
            AlertRule(name: "logger-offline", trigger: .stale(device: "inverter", after: 600)),
            AlertRule(name: "weather-missing", trigger: .stale(device: "weather", after: 1_800)),
        ]
        var engine = AlertEngine(rules: rules, started: start)
        var readings = Readings()
        readings.record(battery(0, volts: 50))
        #expect(engine.evaluate(readings: readings, now: at(599)).isEmpty)
        let offline = engine.evaluate(readings: readings, now: at(600))
        #expect(offline.map(\.rule) == ["logger-offline"])
        #expect(offline.first?.message == "no data from inverter since 10 min")
        #expect(engine.evaluate(readings: readings, now: at(1_200)).isEmpty)
        let never = engine.evaluate(readings: readings, now: at(1_800))
        #expect(never.map(\.rule) == ["weather-missing"])
        #expect(never.first?.message.contains("since the daemon started 30 min ago") == true)
        readings.record(battery(1_900, volts: 50))
        #expect(engine.evaluate(readings: readings, now: at(1_900)).map(\.state) == [.resolved])
        #expect(engine.firing.map(\.rule) == ["weather-missing"])
    }

    @Test("Missing readings keep the alert's state")
    func missingKeepsState() {
        let rule = AlertRule(name: "low", trigger: .threshold(when: condition("inverter.battery_soc_pct < 20"), clear: nil), maximumAge: 60)
        var engine = AlertEngine(rules: [rule], started: start)
        var readings = Readings()
        readings.record(Sample(device: "inverter", time: at(0), values: ["battery_soc_pct": 10]))
        #expect(engine.evaluate(readings: readings, now: at(0)).count == 1)
        #expect(engine.evaluate(readings: readings, now: at(3_600)).isEmpty)  // value too old: neither cleared nor repeated
        #expect(engine.firing.count == 1)
    }
}
