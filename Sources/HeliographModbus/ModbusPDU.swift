import HeliographCore
import NIOCore

/// A Modbus request PDU: function code and its data, independent of RTU or TCP framing.
public enum ModbusRequest: Sendable, Hashable {
    case readHoldingRegisters(address: UInt16, count: UInt16)
    case readInputRegisters(address: UInt16, count: UInt16)
    case writeSingleRegister(address: UInt16, value: UInt16)
    case writeMultipleRegisters(address: UInt16, values: [UInt16])

    /// Largest register count one read may ask for (Modbus spec: 125).
    public static let maximumReadCount: UInt16 = 125
    /// Largest register count one write may carry (Modbus spec: 123).
    public static let maximumWriteCount = 123

    public var function: ModbusFunction {
        switch self {
        case .readHoldingRegisters: .readHoldingRegisters
        case .readInputRegisters: .readInputRegisters
        case .writeSingleRegister: .writeSingleRegister
        case .writeMultipleRegisters: .writeMultipleRegisters
        }
    }

    /// Writes function code and data.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(function.rawValue)
        switch self {
        case .readHoldingRegisters(let address, let count), .readInputRegisters(let address, let count):
            buffer.writeInteger(address)
            buffer.writeInteger(count)
        case .writeSingleRegister(let address, let value):
            buffer.writeInteger(address)
            buffer.writeInteger(value)
        case .writeMultipleRegisters(let address, let values):
            buffer.writeInteger(address)
            buffer.writeInteger(UInt16(values.count))
            buffer.writeInteger(UInt8(truncatingIfNeeded: values.count * 2))
            for value in values { buffer.writeInteger(value) }
        }
    }

    /// Decodes a whole request PDU (the server side, used by simulators). Consumes every byte or throws.
    public static func decode(from buffer: inout ByteBuffer) throws(HeliographError) -> ModbusRequest {
        let original = Array(buffer.readableBytesView)
        guard let code = buffer.readInteger(as: UInt8.self), let address = buffer.readInteger(as: UInt16.self),
            let second = buffer.readInteger(as: UInt16.self)
        else {
            throw HeliographError(.malformedFrame, "Modbus request too short", bytes: original)
        }
        let request: ModbusRequest
        switch ModbusFunction(rawValue: code) {
        case .readHoldingRegisters: request = .readHoldingRegisters(address: address, count: second)
        case .readInputRegisters: request = .readInputRegisters(address: address, count: second)
        case .writeSingleRegister: request = .writeSingleRegister(address: address, value: second)
        case .writeMultipleRegisters:
            guard let byteCount = buffer.readInteger(as: UInt8.self), Int(byteCount) == Int(second) * 2,
                buffer.readableBytes == Int(byteCount)
            else {
                throw HeliographError(.malformedFrame, "Modbus write-multiple byte count does not match", bytes: original)
            }
            var values: [UInt16] = []
            values.reserveCapacity(Int(second))
            while let value = buffer.readInteger(as: UInt16.self) { values.append(value) }
            request = .writeMultipleRegisters(address: address, values: values)
        case nil:
            throw HeliographError(.malformedFrame, "unsupported Modbus function 0x\(String(code, radix: 16))", bytes: original)
        }
        guard buffer.readableBytes == 0 else {
            throw HeliographError(.malformedFrame, "trailing bytes after Modbus request", bytes: original)
        }
        return request
    }
}

/// A Modbus response PDU.
public enum ModbusResponse: Sendable, Hashable {
    case registers(function: ModbusFunction, values: [UInt16])
    case wroteSingleRegister(address: UInt16, value: UInt16)
    case wroteMultipleRegisters(address: UInt16, count: UInt16)
    case exception(function: UInt8, code: ModbusExceptionCode)

    /// Decodes a whole response PDU. Consumes every byte or throws.
    public static func decode(from buffer: inout ByteBuffer) throws(HeliographError) -> ModbusResponse {
        let original = Array(buffer.readableBytesView)
        guard let code = buffer.readInteger(as: UInt8.self) else {
            throw HeliographError(.malformedFrame, "empty Modbus response", bytes: original)
        }
        let response: ModbusResponse
        if code & 0x80 != 0 {
            guard let exception = buffer.readInteger(as: UInt8.self) else {
                throw HeliographError(.malformedFrame, "Modbus exception without code", bytes: original)
            }
            response = .exception(function: code & 0x7F, code: ModbusExceptionCode(rawValue: exception))
        } else {
            switch ModbusFunction(rawValue: code) {
            case .readHoldingRegisters, .readInputRegisters:
                guard let byteCount = buffer.readInteger(as: UInt8.self), byteCount % 2 == 0,
                    buffer.readableBytes == Int(byteCount)
                else {
                    throw HeliographError(.malformedFrame, "Modbus read response byte count does not match", bytes: original)
                }
                var values: [UInt16] = []
                values.reserveCapacity(Int(byteCount) / 2)
                while let value = buffer.readInteger(as: UInt16.self) { values.append(value) }
                response = .registers(function: ModbusFunction(rawValue: code)!, values: values)
            case .writeSingleRegister:
                guard let address = buffer.readInteger(as: UInt16.self), let value = buffer.readInteger(as: UInt16.self) else {
                    throw HeliographError(.malformedFrame, "Modbus write-single response too short", bytes: original)
                }
                response = .wroteSingleRegister(address: address, value: value)
            case .writeMultipleRegisters:
                guard let address = buffer.readInteger(as: UInt16.self), let count = buffer.readInteger(as: UInt16.self) else {
                    throw HeliographError(.malformedFrame, "Modbus write-multiple response too short", bytes: original)
                }
                response = .wroteMultipleRegisters(address: address, count: count)
            case nil:
                throw HeliographError(.malformedFrame, "unsupported Modbus function 0x\(String(code, radix: 16))", bytes: original)
            }
        }
        guard buffer.readableBytes == 0 else {
            throw HeliographError(.malformedFrame, "trailing bytes after Modbus response", bytes: original)
        }
        return response
    }

    /// Writes function code and data (the server side, used by simulators).
    public func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .registers(let function, let values):
            buffer.writeInteger(function.rawValue)
            buffer.writeInteger(UInt8(truncatingIfNeeded: values.count * 2))
            for value in values { buffer.writeInteger(value) }
        case .wroteSingleRegister(let address, let value):
            buffer.writeInteger(ModbusFunction.writeSingleRegister.rawValue)
            buffer.writeInteger(address)
            buffer.writeInteger(value)
        case .wroteMultipleRegisters(let address, let count):
            buffer.writeInteger(ModbusFunction.writeMultipleRegisters.rawValue)
            buffer.writeInteger(address)
            buffer.writeInteger(count)
        case .exception(let function, let code):
            buffer.writeInteger(function | 0x80)
            buffer.writeInteger(code.rawValue)
        }
    }

    /// The register values of a read, or an error naming the exception.
    public func registers(for request: ModbusRequest) throws(HeliographError) -> [UInt16] {
        switch self {
        case .registers(let function, let values):
            guard function == request.function else {
                throw HeliographError(.unexpectedResponse, "asked for function \(request.function.rawValue), got \(function.rawValue)")
            }
            switch request {
            case .readHoldingRegisters(_, let count), .readInputRegisters(_, let count):
                guard values.count == Int(count) else {
                    throw HeliographError(.unexpectedResponse, "asked for \(count) registers, got \(values.count)")
                }
            default: break
            }
            return values
        case .exception(_, let code):
            throw HeliographError(.deviceRejected, "Modbus exception: \(code)")
        default:
            throw HeliographError(.unexpectedResponse, "expected registers, got \(self)")
        }
    }
}
