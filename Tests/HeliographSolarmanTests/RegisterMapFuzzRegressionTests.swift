import Foundation
import HeliographCore
import HeliographSolarman
import Testing

/// Register-map files that once crashed the loader; a user-supplied map must fail with a clear error.
@Suite("Register map fuzz regressions")
struct RegisterMapFuzzRegressionTests {
    static func map(field: String) -> Data {
        Data(
            #"{"name":"m","title":"t","manufacturer":"Deye","model":"x","kind":"string","function":3,"maxReadGap":10,"deviceTypes":[],"settings":[],"fields":[\#(field)]}"#
                .utf8)
    }

    @Test(
        "malformed fields are refused as configuration errors",
        arguments: [
            // "1" and "01" are two JSON keys for one number: Dictionary(uniqueKeysWithValues:) trapped.
            #"{"id":"state","name":"State","type":"u16","registers":[59],"lookup":{"1":"on","01":"off"}}"#,
            #"{"id":"alarms","name":"Alarms","type":"u16","registers":[60],"bits":{"2":"a","02":"b"}}"#,
            // A negative bit trapped in UInt64(bit) while decoding.
            #"{"id":"grid","name":"Grid","type":"u16","registers":[61],"bit":-1,"flag":true}"#,
            // A signed sum term of no registers shifted by (0 - 1) while decoding.
            #"{"id":"power","name":"Power","type":"s16","sum":[{"registers":[]}]}"#,
        ])
    func refused(field: String) {
        #expect {
            try RegisterMap.decode(Self.map(field: field), source: "user.json")
        } throws: { error in
            (error as? HeliographError)?.code == .invalidConfiguration
        }
    }

    /// `descriptor` built min...max with min above max and trapped when the allow-list was made.
    @Test("a setting whose max is below its min is refused")
    func settingRangeInverted() {
        let data = Data(
            #"{"name":"m","title":"t","manufacturer":"Deye","model":"x","kind":"string","function":3,"maxReadGap":10,"deviceTypes":[],"fields":[{"id":"limit","name":"Limit","type":"u16","registers":[40]}],"settings":[{"id":"limit","name":"Limit","register":40,"kind":"number","readBack":"limit","min":100,"max":10}]}"#
                .utf8)
        #expect {
            try RegisterMap.decode(data, source: "user.json")
        } throws: { error in
            (error as? HeliographError)?.code == .invalidConfiguration
        }
    }

    @Test("a well-formed field of the same shape still loads and decodes")
    func wellFormedStillLoads() throws {
        let map = try RegisterMap.decode(Self.map(field: #"{"id":"state","name":"State","type":"u16","registers":[59],"lookup":{"1":"on","2":"off"}}"#))
        #expect(map.decode(RegisterImage([59: 2]))[FieldID("state")] == .text("off"))
    }
}
