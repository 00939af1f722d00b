import HeliographModbus

/// A contiguous range of registers read by one request.
public struct RegisterRange: Sendable, Hashable, CustomStringConvertible {
    public var start: UInt16
    public var count: UInt16

    public init(start: UInt16, count: UInt16) {
        self.start = start
        self.count = count
    }

    /// The last register included.
    public var last: UInt16 { start &+ count &- 1 }

    public var description: String {
        "0x\(String(start, radix: 16, uppercase: true))…0x\(String(last, radix: 16, uppercase: true)) (\(count))"
    }
}

/// Groups the registers a poll needs into as few reads as possible.
public enum ReadPlanner {
    /// Merges sorted addresses into ranges of at most `maxCount` registers, reading across gaps of
    /// up to `maxGap` unused registers (one longer read beats two round trips to a logger).
    ///
    /// Greedy from the lowest address: it extends the current range while the next address fits both
    /// limits, which gives the fewest ranges for these two constraints.
    public static func plan(
        _ addresses: some Sequence<UInt16>,
        maxCount: Int = Int(ModbusRequest.maximumReadCount),
        maxGap: Int = 20
    ) -> [RegisterRange] {
        let sorted = Set(addresses).sorted()
        guard var start = sorted.first else { return [] }
        var last = start
        var ranges: [RegisterRange] = []
        for address in sorted.dropFirst() {
            let gap = Int(address) - Int(last) - 1
            let span = Int(address) - Int(start) + 1
            if gap <= maxGap, span <= maxCount {
                last = address
            } else {
                ranges.append(RegisterRange(start: start, count: UInt16(Int(last) - Int(start) + 1)))
                start = address
                last = address
            }
        }
        ranges.append(RegisterRange(start: start, count: UInt16(Int(last) - Int(start) + 1)))
        return ranges
    }
}

extension RegisterMap {
    /// The reads one poll issues: every field on every poll, or only the fast ones.
    public func readPlan(includingSlow: Bool, maxCount: Int = Int(ModbusRequest.maximumReadCount)) -> [RegisterRange] {
        ReadPlanner.plan(registers(includingSlow: includingSlow), maxCount: maxCount, maxGap: maxReadGap)
    }

    /// The Modbus request for one planned range, with this map's read function.
    public func request(for range: RegisterRange) -> ModbusRequest {
        function == 4
            ? .readInputRegisters(address: range.start, count: range.count)
            : .readHoldingRegisters(address: range.start, count: range.count)
    }
}
