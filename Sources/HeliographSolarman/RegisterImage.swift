/// Register values read from a device: a few contiguous blocks, as the read planner requested them.
public struct RegisterImage: Sendable, Hashable {
    /// One contiguous run of registers.
    public struct Block: Sendable, Hashable {
        public var start: UInt16
        public var values: [UInt16]

        public init(start: UInt16, values: [UInt16]) {
            self.start = start
            self.values = values
        }
    }

    public private(set) var blocks: [Block]

    public init(blocks: [Block] = []) { self.blocks = blocks }

    /// An image from single registers (tests, simulators).
    public init(_ registers: [UInt16: UInt16]) {
        blocks = registers.sorted { $0.key < $1.key }.map { Block(start: $0.key, values: [$0.value]) }
    }

    /// Adds a block; its values win over older ones at the same addresses.
    public mutating func insert(start: UInt16, values: [UInt16]) {
        blocks.append(Block(start: start, values: values))
    }

    public subscript(address: UInt16) -> UInt16? {
        // Newest block first; a handful of blocks makes a linear scan the fastest lookup.
        for block in blocks.reversed() where address >= block.start {
            let index = Int(address - block.start)
            if index < block.values.count { return block.values[index] }
        }
        return nil
    }
}
