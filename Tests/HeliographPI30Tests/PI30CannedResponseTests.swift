import Foundation
import HeliographCore
import HeliographPI30
import NIOCore
import Testing

@Suite("PI30 canned responses")
struct PI30CannedResponseTests {
    /// Replies the codec keeps as text; only framing, CRC and field count are checked for them.
    static let untyped: Set<String> = ["Q1", "QBMS"]

    @Test("all 40 canned responses decode to the file's expected values")
    func cannedResponses() throws {
        let responses = try PI30Fixtures.data()["canned_responses"]?.array ?? []
        #expect(responses.count == 40)
        var typedChecks = 0
        for response in responses {
            let command = PI30Command(try #require(response["command"]?.string))
            let frameBytes = bytes(hex: try #require(response["response_hex"]?.string))
            var buffer = ByteBuffer(bytes: frameBytes)
            var decoder = PI30ResponseDecoder()
            guard let valid = response["crc_valid"]?.bool else {
                // Not a reply at all (the command echoed back): no '(' so nothing is decoded.
                #expect(try decoder.decode(buffer: &buffer) == nil, "\(command) sample should not decode")
                continue
            }
            guard valid else {
                #expect {
                    _ = try decoder.decode(buffer: &buffer)
                } throws: { error in
                    let error = error as? HeliographError
                    return error?.code == .checksumMismatch && error?.bytes == frameBytes
                }
                continue
            }
            let frame = try #require(try decoder.decode(buffer: &buffer), "\(command) did not decode")
            #expect(buffer.readableBytes == 0)
            if let count = response["field_count"]?.number {
                #expect(frame.payload.split(separator: " ").count == Int(count), "field count of \(command)")
            }
            let decoded = try PI30Response.decode(frame, for: command)
            let actual = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(decoded))
            guard let expected = response["expected_decoded"], !Self.untyped.contains(command.text) else { continue }
            let mismatches = expected.mismatches(in: actual)
            #expect(mismatches.isEmpty, "\(command): \(mismatches.joined(separator: "; "))")
            typedChecks += 1
        }
        #expect(typedChecks >= 35)
    }

    @Test("QPIGS sample decodes to typed values and maps to Heliograph fields")
    func qpigsFields() throws {
        let canned = try PI30Fixtures.data()["canned_responses"]?.array.first { $0["command"]?.string == "QPIGS" }
        let frame = try PI30Frame.validate(bytes(hex: try #require(canned?["response_hex"]?.string)))
        guard case .generalStatus(let status) = try PI30Response.decode(frame, for: .qpigs) else {
            Issue.record("not decoded as QPIGS")
            return
        }
        #expect(status.batteryVoltage == 57.5)
        #expect(status.deviceStatus.sccChargingOn)
        #expect(status.deviceStatus2?.switchedOn == true)
        let values = PI30Fields.values(from: status)
        #expect(values[CommonFields.batteryVoltage.id] == .number(57.5))
        #expect(values[CommonFields.batterySOC.id] == .number(100))
        #expect(values[CommonFields.pvPower.id] == .number(856))
        #expect(values[CommonFields.loadPower.id] == .number(119))
        #expect(values[CommonFields.outputVoltage.id] == .number(230))
        #expect(values[CommonFields.gridVoltage.id] == .number(0))
        #expect(values[CommonFields.batteryCurrent.id] == .number(12))
        #expect(values[CommonFields.batteryPower.id] == .number(690))
        #expect(values["charging"] == .flag(true))
        #expect(values["ac_charging"] == .flag(false))
        let known = Set(PI30Fields.all.map(\.id))
        #expect(Set(values.keys).isSubset(of: known))
    }

    @Test("QPIGS2 maps PV2 and PV totals add up")
    func pv2() throws {
        let frame = try PI30Frame.validate(PI30Frame.responseBytes(payload: "03.1 327.3 01026 "))
        let response = try PI30Response.decode(frame, for: .qpigs2)
        var values = PI30Fields.values(from: response)
        #expect(values["pv2_power_w"] == .number(1_026))
        #expect(values["pv2_voltage_v"] == .number(327.3))
        values["pv1_power_w"] = .number(856)
        PI30Fields.combinePV(&values)
        #expect(values[CommonFields.pvPower.id] == .number(1_882))
    }

    @Test("field descriptors are unique, unit-suffixed and carry ranges")
    func descriptors() {
        let ids = PI30Fields.all.map(\.id.rawValue)
        #expect(Set(ids).count == ids.count)
        for field in PI30Fields.all where field.kind == .number {
            let suffix = switch field.unit {
            case .percent: "_pct"
            case .celsius: "_c"
            default: "_\(field.unit.rawValue.lowercased())"
            }
            #expect(field.id.rawValue.hasSuffix(suffix), "\(field.id) should end in \(suffix)")
            #expect(field.plausibleRange != nil, "\(field.id) has no plausible range")
        }
    }

    @Test("QPIWS severity: a9-a11 and a16 are faults only with a1")
    func warningSeverity() throws {
        let overloadOnly = try PI30Warnings(payload: "00000100000000001000000000000000")
        #expect(overloadOnly.active == [.lineFail, .overload])
        #expect(!overloadOnly.hasFault)
        let withFault = try PI30Warnings(payload: "01000000000000001000000000000000")
        #expect(withFault.severity(of: .overload) == .fault)
        #expect(withFault.hasFault)
        let max = try PI30Warnings(payload: "100000000000000000000000000000000000")
        #expect(max.active == [.pvLoss])
        #expect(throws: HeliographError.self) { try PI30Warnings(payload: "0000") }
    }

    @Test("QPIWS on PI30MAX: the a32-a33 fault code is a field; classic replies have none")
    func faultCodeField() throws {
        let faulted = try PI30Warnings(payload: "010000000000000000000000000000000400")
        #expect(PI30Fields.values(from: faulted)[PI30Fields.faultCode.id] == .text("04"))
        #expect(faulted.active == [.inverterFault], "the code digits are not warning bits")
        let clear = try PI30Warnings(payload: "000000000000000000000000000000000000")
        #expect(PI30Fields.values(from: clear)[PI30Fields.faultCode.id] == .text("none"))
        let classic = try PI30Warnings(payload: "00000100000000001000000000000000")
        #expect(PI30Fields.values(from: classic)[PI30Fields.faultCode.id] == nil)
        #expect(PI30Fields.all.contains(PI30Fields.faultCode))
    }

    @Test("malformed payloads throw malformedFrame with the bytes")
    func malformedPayload() throws {
        let frameBytes = PI30Frame.responseBytes(payload: "230.0 abc")
        let frame = try PI30Frame.validate(frameBytes)
        #expect {
            _ = try PI30Response.decode(frame, for: .qpigs)
        } throws: { error in
            (error as? HeliographError)?.code == .malformedFrame && (error as? HeliographError)?.bytes == frameBytes
        }
    }

    @Test("ACK and NAK are recognised for any command")
    func ackNak() throws {
        let ack = try PI30Frame.validate(bytes(hex: "2841434b39200d"))
        #expect(try PI30Response.decode(ack, for: "POP02") == .ack)
        let nak = try PI30Frame.validate(bytes(hex: "284e414b73730d"))
        #expect(try PI30Response.decode(nak, for: "QPIGS") == .nak)
        let bareNak = try PI30Frame.validate(Array("(NAK\r".utf8))
        #expect(bareNak.checksumForm == .absent)
        #expect(try PI30Response.decode(bareNak, for: "PBCV99.0") == .nak)
    }
}
