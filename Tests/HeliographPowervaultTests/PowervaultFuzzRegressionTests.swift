import HeliographCore
import HeliographPowervault
import Testing

/// Payloads that once crashed the Powervault decoder.
@Suite("Powervault fuzz regressions")
struct PowervaultFuzzRegressionTests {
    /// `Int(event)` trapped on event numbers outside Int's range.
    @Test("a schedule event number too large for Int is reported as an unknown event", arguments: ["9223372036854775808", "1e300", "-1e300", "3.5"])
    func hugeScheduleEvent(number: String) throws {
        let values = try PowervaultDecoder().decode(suffix: "schedule/event", payload: Array(#"{"event":\#(number),"setpoint":1}"#.utf8))
        guard case .text(let text) = values[FieldID("schedule_event")] else {
            Issue.record("\(values)")
            return
        }
        #expect(text.hasPrefix("event_"))
        #expect(values[FieldID("schedule_setpoint_w")] == .number(1))
    }
}
