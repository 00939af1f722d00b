import HeliographCore
import HeliographModbus
import NIOCore

/// The payload of a client request (control code 0x4510): frame type 2, sensor type 0, three zero
/// time fields, then one Modbus RTU frame.
public struct SolarmanV5RequestPayload: Sendable, Hashable {
    public static let headerLength = 15
    public var modbusFrame: [UInt8]

    public init(modbusFrame: [UInt8]) { self.modbusFrame = modbusFrame }

    /// The payload carrying `request` for Modbus unit `unit`.
    public init(unit: UInt8, _ request: ModbusRequest) {
        var buffer = ByteBuffer()
        ModbusRTUFrame.encode(unit: unit, request, into: &buffer)
        self.modbusFrame = Array(buffer.readableBytesView)
    }

    public var bytes: [UInt8] {
        [0x02, 0x00, 0x00] + [UInt8](repeating: 0, count: 12) + modbusFrame
    }

    /// Parses a request payload (the logger side, used by the simulator).
    public static func parse(_ payload: [UInt8]) throws(HeliographError) -> SolarmanV5RequestPayload {
        guard payload.count > headerLength, payload[0] == 0x02 else {
            throw HeliographError(.malformedFrame, "Solarman V5 request payload too short or not frame type 2", bytes: payload)
        }
        return SolarmanV5RequestPayload(modbusFrame: Array(payload[headerLength...]))
    }

    /// The Modbus request inside, CRC checked.
    public func modbusRequest() throws(HeliographError) -> (unit: UInt8, request: ModbusRequest) {
        var buffer = ByteBuffer(bytes: modbusFrame)
        return try ModbusRTUFrame.decodeRequest(from: &buffer)
    }
}

/// The payload of a logger response (control code 0x1510): frame type, status, three time fields
/// (little-endian) and the inverter's Modbus RTU answer.
public struct SolarmanV5ResponsePayload: Sendable, Hashable {
    public static let headerLength = 14

    /// 2 = inverter, 1 = logger, 0 = keep-alive.
    public var frameType: UInt8
    /// 1 = real-time data.
    public var status: UInt8
    /// Seconds the stick has been in service.
    public var totalWorkingTime: UInt32
    /// Seconds since the stick powered on.
    public var powerOnTime: UInt32
    /// `totalWorkingTime + offsetTime` is the unix time of the sample.
    public var offsetTime: UInt32
    /// The Modbus RTU bytes as received, quirks included.
    public var modbusFrame: [UInt8]

    public init(
        frameType: UInt8 = 2,
        status: UInt8 = 1,
        totalWorkingTime: UInt32 = 0,
        powerOnTime: UInt32 = 0,
        offsetTime: UInt32 = 0,
        modbusFrame: [UInt8]
    ) {
        self.frameType = frameType
        self.status = status
        self.totalWorkingTime = totalWorkingTime
        self.powerOnTime = powerOnTime
        self.offsetTime = offsetTime
        self.modbusFrame = modbusFrame
    }

    /// Unix time of the sample as the logger reports it.
    public var sampleUnixTime: UInt64 { UInt64(totalWorkingTime) + UInt64(offsetTime) }

    public static func parse(_ payload: [UInt8]) throws(HeliographError) -> SolarmanV5ResponsePayload {
        guard payload.count >= headerLength else {
            throw HeliographError(.malformedFrame, "Solarman V5 response payload shorter than 14 bytes", bytes: payload)
        }
        func word(_ at: Int) -> UInt32 {
            UInt32(payload[at]) | UInt32(payload[at + 1]) << 8 | UInt32(payload[at + 2]) << 16 | UInt32(payload[at + 3]) << 24
        }
        return SolarmanV5ResponsePayload(
            frameType: payload[0],
            status: payload[1],
            totalWorkingTime: word(2),
            powerOnTime: word(6),
            offsetTime: word(10),
            modbusFrame: Array(payload[headerLength...])
        )
    }

    public var bytes: [UInt8] {
        var bytes: [UInt8] = [frameType, status]
        bytes.reserveCapacity(Self.headerLength + modbusFrame.count)
        for word in [totalWorkingTime, powerOnTime, offsetTime] {
            bytes += [UInt8(truncatingIfNeeded: word), UInt8(truncatingIfNeeded: word >> 8), UInt8(truncatingIfNeeded: word >> 16), UInt8(truncatingIfNeeded: word >> 24)]
        }
        return bytes + modbusFrame
    }

    /// True when the logger answered without a Modbus frame (e.g. `05 00`): the inverter did not answer it.
    public var isLoggerError: Bool { modbusFrame.count < 5 }

    /// The Modbus frame with the double-CRC quirk removed.
    ///
    /// Some Deye string/micro firmwares append a second CRC computed over frame + CRC, which is always
    /// `00 00`. Detected when the read's byte count + 7 equals the frame length, the frame ends in
    /// `00 00` and the CRC before those two bytes is valid.
    public var correctedModbusFrame: [UInt8] {
        let frame = modbusFrame
        guard frame.count >= 7, frame[1] == 0x03 || frame[1] == 0x04, Int(frame[2]) + 7 == frame.count,
            frame[frame.count - 1] == 0, frame[frame.count - 2] == 0
        else { return frame }
        let crc = CRC16Modbus.checksum(frame[..<(frame.count - 4)])
        guard UInt8(truncatingIfNeeded: crc) == frame[frame.count - 4], UInt8(truncatingIfNeeded: crc >> 8) == frame[frame.count - 3] else {
            return frame
        }
        return Array(frame[..<(frame.count - 2)])
    }

    /// The inverter's Modbus answer, CRC checked, or a clear error for the short logger-error payload.
    public func modbusResponse() throws(HeliographError) -> (unit: UInt8, response: ModbusResponse) {
        guard !isLoggerError else {
            throw HeliographError(
                .deviceUnavailable,
                "the logger answered without a Modbus frame (payload \(modbusFrame.map { hex($0) }.joined(separator: " "))): "
                    + "the inverter did not answer (wrong slave id or register range, or inverter asleep)",
                bytes: modbusFrame
            )
        }
        var buffer = ByteBuffer(bytes: correctedModbusFrame)
        return try ModbusRTUFrame.decodeResponse(from: &buffer)
    }
}

func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}

extension SolarmanV5Frame {
    /// A client request carrying `request` for Modbus unit `unit`.
    public static func request(loggerSerial: UInt32, sequence: UInt8, unit: UInt8, _ request: ModbusRequest) -> SolarmanV5Frame {
        SolarmanV5Frame(
            controlCode: .request,
            sequence: sequence,
            loggerSequence: 0,
            loggerSerial: loggerSerial,
            payload: SolarmanV5RequestPayload(unit: unit, request).bytes
        )
    }

    /// The time reply loggers expect to an unsolicited frame: code − 0x3000, first sequence byte + 1,
    /// payload `00 01`, unix time (LE), `00 00 00 00`.
    public static func timeReply(to frame: SolarmanV5Frame, unixTime: UInt32) -> SolarmanV5Frame {
        let time = [UInt8(truncatingIfNeeded: unixTime), UInt8(truncatingIfNeeded: unixTime >> 8), UInt8(truncatingIfNeeded: unixTime >> 16), UInt8(truncatingIfNeeded: unixTime >> 24)]
        return SolarmanV5Frame(
            controlCode: frame.controlCode.replyCode,
            sequence: frame.sequence &+ 1,
            loggerSequence: frame.loggerSequence,
            loggerSerial: frame.loggerSerial,
            payload: [0x00, 0x01] + time + [0, 0, 0, 0]
        )
    }
}
