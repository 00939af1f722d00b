import HeliographCore
import HeliographPI30
import Testing

@Suite("PI30 setters")
struct PI30SetterTests {
    @Test("setters encode to the data file's frames", arguments: [
        (PI30Setter.outputSourcePriority(.utility), "504f503030c2480d"),
        (.outputSourcePriority(.sbu), "504f503032e20b0d"),
        (.chargerSourcePriority(.solarOnly), "5043503033bd190d"),
        (.batteryRechargeVoltage(46), "5042435634362e30888b0d"),
        (.batteryRechargeVoltage(51.5), "5042435635312e352b0b0d"),
        (.batteryRedischargeVoltage(0), "5042445630302e30389b0d"),
        (.batteryRedischargeVoltage(54.7), "5042445635342e3729f90d"),
        (.maxUtilityChargingCurrent(amps: 2), "4d5543484743303032b5d10d"),
        (.maxChargingCurrent(amps: 90), "4d434847433039300e8f0d"),
    ])
    func encoding(setter: PI30Setter, frameHex: String) throws {
        let command = try setter.command()
        #expect(hexString(command.frameBytes) == frameHex)
        #expect(PI30Setter(command) == setter)
    }

    @Test("every setter example in the data file round-trips through PI30Setter")
    func dataFileExamples() throws {
        let setters = try PI30Fixtures.data()["setter_commands"]?.array ?? []
        let supported = ["POP", "PCP", "PBCV", "PBDV", "MUCHGC", "MCHGC", "MNCHGC", "PE/PD"]
        var checked = 0
        for setter in setters where supported.contains(setter["name"]?.string ?? "") {
            for example in setter["examples"]?.array ?? [] {
                let command = PI30Command(try #require(example["command"]?.string))
                let parsed = try #require(PI30Setter(command), "\(command) not recognised")
                let encoded = try parsed.command()
                #expect(encoded == command)
                #expect(hexString(encoded.frameBytes) == example["frame_hex"]?.string)
                checked += 1
            }
        }
        #expect(checked >= 25)
    }

    @Test("values without a valid encoding are rejected before sending")
    func invalidValues() {
        for setter in [
            PI30Setter.batteryRechargeVoltage(48.05), .batteryRechargeVoltage(-1), .batteryRedischargeVoltage(100),
            .maxChargingCurrent(amps: 1_000), .maxUtilityChargingCurrent(amps: 30, unit: 10), .enable([]),
        ] {
            #expect(throws: HeliographError.self, "\(setter)") { try setter.command() }
        }
        #expect(PI30Setter("POP07") == nil)
        #expect(PI30Setter("PBCV48") == nil)
        #expect(PI30Setter("QPIGS") == nil)
    }

    @Test("100 A and more use the 3-digit forms")
    func largeCurrents() throws {
        #expect(try PI30Setter.maxChargingCurrent(amps: 120, unit: 1).command() == "MNCHGC1120")
        #expect(try PI30Setter.maxUtilityChargingCurrent(amps: 100).command() == "MUCHGC0100")
    }
}
