/// The port blocks of one inverter from one DTU scan, ports in order.
public struct HoymilesInverterReading: Sendable, Hashable {
    public var serial: HoymilesSerialNumber
    public var ports: [HoymilesPortBlock]

    public init(serial: HoymilesSerialNumber, ports: [HoymilesPortBlock]) {
        self.serial = serial
        self.ports = ports.sorted { $0.portNumber < $1.portNumber }
    }

    /// Inverter-level values are repeated in every block; the first linked block is the freshest.
    public var inverterBlock: HoymilesPortBlock? { ports.first(where: \.isLinked) ?? ports.first }

    /// Linked and producing; an inverter that is not is asleep (night) or lost by the DTU.
    public var isAwake: Bool { ports.contains { $0.isLinked && $0.isProducing } }

    /// Groups the blocks of one scan by serial, keeping the DTU's order of first appearance.
    public static func group(_ blocks: [HoymilesPortBlock]) -> [HoymilesInverterReading] {
        var order: [HoymilesSerialNumber] = []
        var bySerial: [HoymilesSerialNumber: [HoymilesPortBlock]] = [:]
        for block in blocks where !block.serial.isEmpty {
            if bySerial[block.serial] == nil { order.append(block.serial) }
            bySerial[block.serial, default: []].append(block)
        }
        return order.map { HoymilesInverterReading(serial: $0, ports: bySerial[$0]!) }
    }
}
