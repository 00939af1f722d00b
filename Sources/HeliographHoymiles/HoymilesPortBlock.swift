import HeliographCore

/// One 40-byte port block as the DTU sends it: one PV input of one inverter, plus the
/// inverter-level values (grid, temperature, status, alarms) repeated in every block of it.
/// Raw integers are kept; scaled values are computed properties.
public struct HoymilesPortBlock: Sendable, Hashable {
    public var dataType: UInt8
    public var serial: HoymilesSerialNumber
    /// 1-based PV input number on the inverter.
    public var portNumber: UInt8
    /// 0.1 V.
    public var pvVoltageRaw: UInt16
    /// 0.1 A for MI, 0.01 A for HM/HMS/HMT.
    public var pvCurrentRaw: UInt16
    /// 0.1 V.
    public var gridVoltageRaw: UInt16
    /// 0.01 Hz.
    public var gridFrequencyRaw: UInt16
    /// 0.1 W.
    public var pvPowerRaw: UInt16
    /// Wh; 16 bits, so it wraps at 65 535.
    public var todayProductionWh: UInt16
    /// Wh.
    public var totalProductionWh: UInt32
    /// 0.1 °C, signed.
    public var temperatureRaw: Int16
    /// 0 = not producing.
    public var operatingStatus: UInt16
    public var alarmCode: UInt16
    public var alarmCount: UInt16
    /// Non-zero while the inverter is linked to the DTU.
    public var linkStatus: UInt8

    public init(
        dataType: UInt8 = 0x0C,
        serial: HoymilesSerialNumber,
        portNumber: UInt8,
        pvVoltageRaw: UInt16 = 0,
        pvCurrentRaw: UInt16 = 0,
        gridVoltageRaw: UInt16 = 0,
        gridFrequencyRaw: UInt16 = 0,
        pvPowerRaw: UInt16 = 0,
        todayProductionWh: UInt16 = 0,
        totalProductionWh: UInt32 = 0,
        temperatureRaw: Int16 = 0,
        operatingStatus: UInt16 = 0,
        alarmCode: UInt16 = 0,
        alarmCount: UInt16 = 0,
        linkStatus: UInt8 = 0
    ) {
        self.dataType = dataType
        self.serial = serial
        self.portNumber = portNumber
        self.pvVoltageRaw = pvVoltageRaw
        self.pvCurrentRaw = pvCurrentRaw
        self.gridVoltageRaw = gridVoltageRaw
        self.gridFrequencyRaw = gridFrequencyRaw
        self.pvPowerRaw = pvPowerRaw
        self.todayProductionWh = todayProductionWh
        self.totalProductionWh = totalProductionWh
        self.temperatureRaw = temperatureRaw
        self.operatingStatus = operatingStatus
        self.alarmCode = alarmCode
        self.alarmCount = alarmCount
        self.linkStatus = linkStatus
    }

    public var pvVoltage: Double { Double(pvVoltageRaw) * 0.1 }
    public var pvCurrent: Double { Double(pvCurrentRaw) * serial.pvCurrentScale }
    public var gridVoltage: Double { Double(gridVoltageRaw) * 0.1 }
    public var gridFrequency: Double { Double(gridFrequencyRaw) * 0.01 }
    public var pvPower: Double { Double(pvPowerRaw) * 0.1 }
    public var temperature: Double { Double(temperatureRaw) * 0.1 }
    public var isLinked: Bool { linkStatus != 0 }
    public var isProducing: Bool { operatingStatus != 0 }

    /// Decodes a block from its 40 bytes.
    public init(bytes: [UInt8]) throws(HeliographError) {
        guard bytes.count == HoymilesRegisterMap.portBlockByteCount else {
            throw HeliographError(.malformedFrame, "Hoymiles port block has \(bytes.count) bytes, expected 40", bytes: bytes)
        }
        func u16(_ offset: Int) -> UInt16 { UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1]) }
        self.init(
            dataType: bytes[0],
            serial: HoymilesSerialNumber(bytes: Array(bytes[1..<7])),
            portNumber: bytes[7],
            pvVoltageRaw: u16(8),
            pvCurrentRaw: u16(10),
            gridVoltageRaw: u16(12),
            gridFrequencyRaw: u16(14),
            pvPowerRaw: u16(16),
            todayProductionWh: u16(18),
            totalProductionWh: UInt32(u16(20)) << 16 | UInt32(u16(22)),
            temperatureRaw: Int16(bitPattern: u16(24)),
            operatingStatus: u16(26),
            alarmCode: u16(28),
            alarmCount: u16(30),
            linkStatus: bytes[32]
        )
    }

    /// Decodes a block from the 20 registers a read returns.
    public init(registers: [UInt16]) throws(HeliographError) {
        try self.init(bytes: HoymilesRegisterMap.bytes(of: registers))
    }

    /// The 40 bytes of this block (simulators), with the fixed 0x07 byte and zero reserved bytes.
    public var bytes: [UInt8] {
        var out: [UInt8] = [dataType]
        out += serial.bytes
        out.append(portNumber)
        for value in [pvVoltageRaw, pvCurrentRaw, gridVoltageRaw, gridFrequencyRaw, pvPowerRaw, todayProductionWh] {
            out += [UInt8(value >> 8), UInt8(value & 0xFF)]
        }
        out += [UInt8(totalProductionWh >> 24), UInt8(totalProductionWh >> 16 & 0xFF), UInt8(totalProductionWh >> 8 & 0xFF), UInt8(totalProductionWh & 0xFF)]
        let temperature = UInt16(bitPattern: temperatureRaw)
        for value in [temperature, operatingStatus, alarmCode, alarmCount] {
            out += [UInt8(value >> 8), UInt8(value & 0xFF)]
        }
        out += [linkStatus, 0x07, 0, 0, 0, 0, 0, 0]
        return out
    }

    /// The block as 20 registers (simulators).
    public var registers: [UInt16] { HoymilesRegisterMap.registers(of: bytes) }
}
