/// The Modbus function codes Heliograph speaks.
public enum ModbusFunction: UInt8, Sendable, Hashable, CaseIterable {
    case readHoldingRegisters = 0x03
    case readInputRegisters = 0x04
    case writeSingleRegister = 0x06
    case writeMultipleRegisters = 0x10
}

/// Exception codes a Modbus server answers with (function code | 0x80).
public struct ModbusExceptionCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let illegalFunction = Self(rawValue: 0x01)
    public static let illegalDataAddress = Self(rawValue: 0x02)
    public static let illegalDataValue = Self(rawValue: 0x03)
    public static let serverDeviceFailure = Self(rawValue: 0x04)
    public static let acknowledge = Self(rawValue: 0x05)
    public static let serverDeviceBusy = Self(rawValue: 0x06)
    public static let gatewayPathUnavailable = Self(rawValue: 0x0A)
    public static let gatewayTargetFailedToRespond = Self(rawValue: 0x0B)

    public var description: String {
        let name =
            switch self {
            case .illegalFunction: "illegal function"
            case .illegalDataAddress: "illegal data address"
            case .illegalDataValue: "illegal data value"
            case .serverDeviceFailure: "server device failure"
            case .acknowledge: "acknowledge"
            case .serverDeviceBusy: "server device busy"
            case .gatewayPathUnavailable: "gateway path unavailable"
            case .gatewayTargetFailedToRespond: "gateway target failed to respond"
            default: "unknown exception"
            }
        return "\(name) (0x\(String(rawValue, radix: 16, uppercase: true)))"
    }
}
