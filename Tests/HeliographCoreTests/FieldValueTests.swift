import Foundation
import HeliographCore
import Testing

@Suite("FieldValue and Sample JSON")
struct FieldValueTests {
    func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test("values encode as bare JSON values")
    func encodesBare() throws {
        #expect(try json([FieldValue.number(230.5)]) == "[230.5]")
        #expect(try json([FieldValue.flag(true)]) == "[true]")
        #expect(try json([FieldValue.text("Battery")]) == "[\"Battery\"]")
    }

    @Test("decoding tells flags, numbers and text apart")
    func decodes() throws {
        let decoded = try JSONDecoder().decode([FieldValue].self, from: Data("[true, 0, 52.1, \"Line\"]".utf8))
        #expect(decoded == [.flag(true), .number(0), .number(52.1), .text("Line")])
    }

    @Test("a sample round-trips through JSON")
    func sampleRoundTrip() throws {
        let sample = Sample(
            device: "inverter",
            time: Date(timeIntervalSince1970: 1_800_000_000),
            values: ["battery_soc_pct": 87, "operating_mode": "Battery", "charging": true]
        )
        let data = try JSONEncoder().encode(sample)
        #expect(try JSONDecoder().decode(Sample.self, from: data) == sample)
    }

    @Test("numeric view: flags are 0/1, text has none")
    func numeric() {
        #expect(FieldValue.flag(true).numeric == 1)
        #expect(FieldValue.flag(false).numeric == 0)
        #expect(FieldValue.number(3.5).numeric == 3.5)
        #expect(FieldValue.text("x").numeric == nil)
        #expect(FieldValue.text("x").text == "x")
    }

    @Test("merge keeps the newer value on conflicts")
    func merge() {
        var sample = Sample(device: "d", time: Date(), values: ["a_w": 1, "b_w": 2])
        sample.merge(["b_w": 3, "c_w": 4])
        #expect(sample.values == ["a_w": 1, "b_w": 3, "c_w": 4])
    }
}
