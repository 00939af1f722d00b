import Foundation
import HeliographCore
import HeliographPipeline
import HeliographSolarman
import Testing

/// The seed's plausibility rules (blank frames, SOC jumps) applied by the pipeline's Validator to
/// samples decoded from Deye registers.
@Suite("Deye samples through the Validator")
struct DeyeValidationTests {
    let map = try! RegisterMap.bundled("deye_single_phase_hybrid")
    let start = Date(timeIntervalSince1970: 1_700_000_000)

    /// The synthetic block-2 image with some registers changed.
    func sample(at offset: TimeInterval, _ changes: [UInt16: UInt16] = [:]) throws -> Sample {
        let block = Fixtures.vectors.block2
        let payload = try SolarmanV5ResponsePayload.parse(try SolarmanV5Frame.decode(bytes(block.v5_response_hex)).payload)
        guard case .registers(_, var values) = try payload.modbusResponse().response else { throw TestFailureError() }
        for (register, value) in changes { values[Int(register - 0x96)] = value }
        let image = RegisterImage(blocks: [.init(start: 0x96, values: values)])
        return Sample(device: "deye", time: start.addingTimeInterval(offset), values: map.decode(image, includingSlow: false))
    }

    struct TestFailureError: Error {}

    func validator() -> Validator {
        var validator = Validator()
        validator.register(DeviceDescriptor(kind: map.kind, id: "deye", manufacturer: map.manufacturer, model: map.title, fields: map.fieldDescriptors))
        return validator
    }

    @Test("a normal Deye reading passes untouched")
    func normal() throws {
        var validator = validator()
        let sample = try sample(at: 0)
        let outcome = validator.validate(sample)
        #expect(outcome.rejections.isEmpty)
        #expect(outcome.sample == sample)
    }

    @Test("a blank frame (SOC 0 with battery voltage 0) is discarded and counted")
    func blankFrame() throws {
        var validator = validator()
        _ = validator.validate(try sample(at: 0))
        let blank = try sample(at: 5, [0xB7: 0, 0xB8: 0])
        #expect(blank.number("battery_soc_pct") == 0 && blank.number("battery_voltage_v") == 0)
        let outcome = validator.validate(blank)
        #expect(outcome.sample == nil)
        #expect(outcome.rejections.map(\.reason) == [.zeroBattery])
        #expect(validator.counts["deye"]?[.zeroBattery] == 1)
    }

    @Test("a SOC jump of more than 5 points within 120 s drops the SOC and is counted; a slow change passes")
    func socJump() throws {
        var validator = validator()
        _ = validator.validate(try sample(at: 0))  // SOC 87
        let jump = validator.validate(try sample(at: 60, [0xB8: 95]))
        #expect(jump.sample?["battery_soc_pct"] == nil)
        #expect(jump.sample?.number("battery_voltage_v") == 52.34)
        #expect(jump.rejections.map(\.reason) == [.socJump])
        let step = validator.validate(try sample(at: 90, [0xB8: 90]))
        #expect(step.sample?.number("battery_soc_pct") == 90)
        #expect(validator.counts["deye"]?[.socJump] == 1)
        #expect(validator.discarded(device: "deye") == 1)
    }
}
