import HeliographCore
import HeliographModbus

/// Where the DTU-Pro keeps its data. The DTU numbers *bytes*, not registers: a port block spans
/// byte addresses `0x1000 + 0x28 × i` … `+ 0x27`, and is read as 20 registers starting at its
/// byte address. Offsets inside a block are byte offsets.
public enum HoymilesRegisterMap {
    /// The DTU serial: 3 registers (6 bytes).
    public static let dtuSerialAddress: UInt16 = 0x2000
    public static let dtuSerialRegisterCount: UInt16 = 3

    public static let portBlockBaseAddress: UInt16 = 0x1000
    /// Address step between port blocks (bytes, not registers).
    public static let portBlockStride: UInt16 = 0x28
    /// Registers per block (40 bytes).
    public static let portBlockRegisterCount: UInt16 = 20
    public static let portBlockByteCount = 40
    /// The DTU holds at most 100 port blocks.
    public static let maximumPortBlocks = 100

    /// The request that reads port block `index` (0-based).
    public static func portBlockRequest(_ index: Int) -> ModbusRequest {
        precondition((0..<maximumPortBlocks).contains(index), "port block index out of range")
        return .readHoldingRegisters(address: portBlockBaseAddress + portBlockStride * UInt16(index), count: portBlockRegisterCount)
    }

    /// The request that reads the DTU serial.
    public static let dtuSerialRequest = ModbusRequest.readHoldingRegisters(address: dtuSerialAddress, count: dtuSerialRegisterCount)

    /// Decodes the DTU serial from its 3 registers.
    public static func dtuSerial(from registers: [UInt16]) throws(HeliographError) -> HoymilesSerialNumber {
        guard registers.count == Int(dtuSerialRegisterCount) else {
            throw HeliographError(.malformedFrame, "DTU serial needs 3 registers, got \(registers.count)", bytes: bytes(of: registers))
        }
        return HoymilesSerialNumber(bytes: bytes(of: registers))
    }

    /// Registers as big-endian bytes.
    public static func bytes(of registers: [UInt16]) -> [UInt8] {
        registers.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// Bytes as big-endian registers (an odd trailing byte is padded with 0).
    public static func registers(of bytes: [UInt8]) -> [UInt16] {
        stride(from: 0, to: bytes.count, by: 2).map { index in
            UInt16(bytes[index]) << 8 | UInt16(index + 1 < bytes.count ? bytes[index + 1] : 0)
        }
    }
}
