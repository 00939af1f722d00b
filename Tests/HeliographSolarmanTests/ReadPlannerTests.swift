import HeliographModbus
import HeliographSolarman
import Testing

@Suite("Read planner")
struct ReadPlannerTests {
    @Test("the single-phase fast fields need exactly the two seed reads")
    func singlePhaseFast() throws {
        let map = try RegisterMap.bundled("deye_single_phase_hybrid")
        #expect(map.readPlan(includingSlow: false) == [RegisterRange(start: 0x3B, count: 54), RegisterRange(start: 0x96, count: 45)])
        #expect(map.request(for: RegisterRange(start: 0x3B, count: 54)) == .readHoldingRegisters(address: 0x3B, count: 54))
    }

    @Test("the three-phase fast fields need exactly the three documented blocks: the second 123 registers long, the third PV5-PV8")
    func threePhaseFast() throws {
        for name in ["deye_three_phase_hybrid_lv", "deye_three_phase_hybrid_hv"] {
            let ranges = try RegisterMap.bundled(name).readPlan(includingSlow: false)
            // 0x02C5…0x02CE lie between the live block and PV5-PV8; a block may not grow past 123 registers.
            let expected = [RegisterRange(start: 0x1F4, count: 59), RegisterRange(start: 0x24A, count: 123), RegisterRange(start: 0x2CF, count: 12)]
            #expect(ranges == expected, "\(name)")
        }
    }

    @Test("gaps up to the limit are read across, longer gaps split")
    func gaps() {
        #expect(ReadPlanner.plan([10, 11, 15], maxGap: 3) == [RegisterRange(start: 10, count: 6)])
        #expect(ReadPlanner.plan([10, 11, 16], maxGap: 3) == [RegisterRange(start: 10, count: 2), RegisterRange(start: 16, count: 1)])
        #expect(ReadPlanner.plan([UInt16]()) == [])
        #expect(ReadPlanner.plan([7, 7, 7]) == [RegisterRange(start: 7, count: 1)])
    }

    @Test("no range exceeds 125 registers, even for one long contiguous span")
    func maximumCount() {
        let ranges = ReadPlanner.plan(0...299, maxGap: 0)
        #expect(ranges == [RegisterRange(start: 0, count: 125), RegisterRange(start: 125, count: 125), RegisterRange(start: 250, count: 50)])
        #expect(ReadPlanner.plan([0, 124, 125], maxGap: 200) == [RegisterRange(start: 0, count: 125), RegisterRange(start: 125, count: 1)])
    }

    @Test("every planned range covers each needed register exactly once")
    func coverage() throws {
        for name in RegisterMap.bundledNames {
            let map = try RegisterMap.bundled(name)
            let needed = map.registers(includingSlow: true)
            let ranges = map.readPlan(includingSlow: true)
            for register in needed {
                #expect(ranges.filter { register >= $0.start && register <= $0.last }.count == 1, "\(name) 0x\(String(register, radix: 16))")
            }
        }
    }
}
