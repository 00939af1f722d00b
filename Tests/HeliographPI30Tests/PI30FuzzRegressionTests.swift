import HeliographCore
import HeliographPI30
import Testing

/// Replies that once crashed the PI30 decoders; each must now be refused with a clear error.
@Suite("PI30 fuzz regressions")
struct PI30FuzzRegressionTests {
    /// `Int("-1")` read a negative length from a QSID reply and the slice `2..<1` trapped.
    @Test("a QSID reply with a signed length prefix is malformed, not a crash", arguments: ["-1", "-1ABC", "+3ABCD", "-01234"])
    func qsidSignedLength(payload: String) {
        #expect {
            try PI30Response.decode(PI30Frame.validate(PI30Frame.responseBytes(payload: payload)), for: "QSID")
        } throws: { error in
            (error as? HeliographError)?.code == .malformedFrame && (error as? HeliographError)?.message.contains("length prefix") == true
        }
    }

    @Test("a QSID reply with a two-digit length still decodes")
    func qsidStillDecodes() throws {
        let response = try PI30Response.decode(payload: "0592932", for: "QSID")
        guard case .serialNumber(let serial) = response else {
            Issue.record("\(response)")
            return
        }
        #expect(serial.serialNumber == "92932")
    }
}
