import Foundation
import HeliographCore
import HeliographPowervault
import Testing

@testable import HeliographDevices

/// Issue 18 item 7: the Powervault simulator publishes what a P3 does (shared/protocols/05_powervault_p3_mqtt.md).
@Suite struct PowervaultSimulatorRealismTests {
    func json(_ text: String?) throws -> Any {
        let text = try #require(text)
        return try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    @Test func powervaultPublishesEveryAlarmKeyAndTheOutputChannel() throws {
        var plant = PowervaultSimulatedPlant()
        for minute in stride(from: 0.0, to: 1_440, by: 37) {
            plant.step(seconds: 60, secondOfDay: minute * 60)
            let messages = Dictionary(plant.messages(localTime: "2026-06-01T12:00:00").map { ($0.0, $0.1) }) { first, _ in first }
            let alarms = try json(messages["inverter/alarms"]) as? [String: Any] ?? [:]
            for key in PowervaultFields.alarmKeys {
                let flag = alarms[key] as? String
                #expect(flag == "0" || flag == "1", "alarm \(key) is \(String(describing: alarms[key]))")
            }
            #expect(alarms["inner_temperature"] is Double)
            let measurements = try json(messages["inverter/measurements"]) as? [[String: Any]] ?? []
            let output = measurements.filter { $0["channel"] as? String == "OUTPUT" }
            #expect(Set(output.compactMap { $0["measurement"] as? String }) == ["Power", "Voltage", "Frequency"])
            let active = try #require(output.first { $0["measurement"] as? String == "Power" && $0["type"] as? String == "Active" }?["value"] as? Int)
            let charge = try json(messages["inverter/charge"]) as? [String: Any] ?? [:]
            #expect(abs(Double(active) / 1_000 - Double(charge["power"] as? Int ?? 0)) <= 1, "OUTPUT power follows the battery")
        }
    }
}
