import Foundation
import HeliographCore
import HeliographInfluxDB
import Testing

@Suite struct LineProtocolTests {
    static let descriptor = DeviceDescriptor(kind: "pi30", id: "inv1", manufacturer: "Voltronic", model: "Axpert VM III", fields: [])
    static let time = Date(timeIntervalSince1970: 1_732_880_000.123456)

    @Test func roundsNumbersToTheFieldsResolutionAndNeverWritesMinusZero() throws {
        let descriptor = DeviceDescriptor(kind: "deye", id: "inv1", manufacturer: "Deye", model: "SUN-5K", fields: [CommonFields.gridVoltage, CommonFields.gridPower])
        let line = try #require(LineProtocol().line(
            for: Sample(device: "inv1", time: Self.time, values: ["grid_voltage_v": .number(2_311 * 0.1), "grid_power_w": .number(-0.4), "other": .number(0.1 + 0.2)]),
            descriptor: descriptor
        ))
        #expect(line.contains("grid_voltage_v=231.1,"), "\(line)")
        #expect(line.contains("grid_power_w=0.0,"), "\(line)")
        #expect(line.contains("other=0.3 "), "\(line)")
    }

    @Test func encodesTypesTagsAndNanosecondTimestamps() throws {
        let line = LineProtocol(staticTags: ["site": "home"]).line(
            for: Sample(device: "inv1", time: Self.time, values: ["battery_soc_pct": 87, "pv_power_w": 1_234.5, "charging": true, "operating_mode": "Battery"]),
            descriptor: Self.descriptor
        )
        #expect(line == #"pi30,device=inv1,model=Axpert\ VM\ III,site=home battery_soc_pct=87.0,charging=true,operating_mode="Battery",pv_power_w=1234.5 1732880000123456000"#)
    }

    @Test func escapesEverySpecialCharacterWhereTheSpecSaysSo() throws {
        let descriptor = DeviceDescriptor(kind: "odd kind,x", id: "inv1", manufacturer: "m", model: "a=b,c d\nnext", fields: [])
        let line = try #require(LineProtocol(staticTags: ["tag key": "v=1"]).line(
            for: Sample(device: "inv1", time: Date(timeIntervalSince1970: 1), values: ["field,name=x y": "say \"hi\" \\ bye\nnow"]),
            descriptor: descriptor
        ))
        #expect(line == #"odd\ kind\,x,device=inv1,model=a\=b\,c\ d\ next,tag\ key=v\=1 field\,name\=x\ y="say \"hi\" \\ bye now" 1000000000"#)
        #expect(!line.contains("\n"))
    }

    @Test func leavesOutWhatLineProtocolCannotCarry() {
        let protocol_ = LineProtocol()
        #expect(protocol_.line(for: Sample(device: "inv1", time: Self.time, values: ["a": .number(.nan), "b": .number(.infinity)]), descriptor: nil) == nil)
        let line = protocol_.line(for: Sample(device: "inv1", time: Self.time, values: ["a": .number(.nan), "b": 1]), descriptor: nil)
        #expect(line == "heliograph,device=inv1 b=1.0 1732880000123456000")
        #expect(protocol_.line(for: Sample(device: "inv1", time: Self.time, values: ["tiny": 0.00001]), descriptor: nil)?.contains("tiny=1e-05 ") == true)
    }

    @Test func endpointsBuildTheWriteURLAndAuthorization() throws {
        let v1 = InfluxDBEndpoint(url: try #require(URL(string: "http://db:8086/")), api: .v1(database: "solar data", retentionPolicy: "one_year", username: "w", password: "p:w"))
        #expect(v1.writeURL == "http://db:8086/write?db=solar%20data&precision=ns&rp=one_year")
        #expect(v1.authorization == "Basic " + Data("w:p:w".utf8).base64EncodedString())
        let anonymous = InfluxDBEndpoint(url: try #require(URL(string: "http://db:8086")), api: .v1(database: "h", retentionPolicy: nil, username: nil, password: nil))
        #expect(anonymous.authorization == nil)
        let v2 = InfluxDBEndpoint(url: try #require(URL(string: "https://proxy/influx")), api: .v2(organization: "my org", bucket: "solar/raw", token: "abc=="))
        #expect(v2.writeURL == "https://proxy/influx/api/v2/write?org=my%20org&bucket=solar%2Fraw&precision=ns")
        #expect(v2.authorization == "Token abc==")
    }
}
