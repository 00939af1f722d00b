import HeliographCore
import Testing

@Suite("SettingDescriptor validation")
struct SettingDescriptorTests {
    let chargeCurrent = SettingDescriptor(id: "max_charge_current_a", name: "Max charge current", values: .number(range: 10...120, step: 10, unit: .ampere))
    let priority = SettingDescriptor(id: "output_priority", name: "Output priority", values: .choice(["utility", "solar", "sbu"]))
    let buzzer = SettingDescriptor(id: "buzzer", name: "Buzzer", values: .toggle)

    @Test("values inside the allow-list pass unchanged")
    func accepted() throws {
        #expect(try chargeCurrent.validate(.number(60)) == .number(60))
        #expect(try chargeCurrent.validate(.number(10)) == .number(10))
        #expect(try chargeCurrent.validate(.number(120)) == .number(120))
        #expect(try priority.validate(.choice("sbu")) == .choice("sbu"))
        #expect(try buzzer.validate(.toggle(false)) == .toggle(false))
    }

    @Test("out of range, off step, unknown label and wrong kind are rejected with a clear message",
          arguments: [
            (SettingValue.number(130), "within 10.0...120.0"),
            (SettingValue.number(5), "within 10.0...120.0"),
            (SettingValue.number(65), "multiple of 10.0"),
            (SettingValue.choice("60"), "does not take a value of that kind"),
          ])
    func rejectedNumbers(value: SettingValue, expected: String) {
        #expect {
            _ = try chargeCurrent.validate(value)
        } throws: { error in
            guard let error = error as? HeliographError else { return false }
            return error.code == .settingRejected && error.message.contains(expected) && error.message.contains("max_charge_current_a")
        }
    }

    @Test("unknown choice lists the allowed ones")
    func rejectedChoice() {
        #expect {
            _ = try priority.validate(.choice("grid"))
        } throws: { error in
            (error as? HeliographError)?.message == "output_priority must be one of utility, solar, sbu; got grid"
        }
    }

    @Test("setting values describe themselves plainly")
    func descriptions() {
        #expect(SettingValue.number(60).description == "60")
        #expect(SettingValue.number(52.5).description == "52.5")
        #expect(SettingValue.toggle(true).description == "on")
        #expect(SettingValue.choice("sbu").description == "sbu")
    }
}
