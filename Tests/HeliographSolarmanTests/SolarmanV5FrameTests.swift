import HeliographCore
import HeliographModbus
import HeliographSolarman
import NIOCore
import Testing

@Suite("Solarman V5 frames")
struct SolarmanV5FrameTests {
    @Test("every consistent captured and constructed frame decodes and re-encodes to the same bytes")
    func roundTrip() throws {
        let frames = Fixtures.solarman.real_frames + Fixtures.solarman.constructed_frames
        var checked = 0
        for fixture in frames where !fixture.label.contains("DATA frame") {
            let frame = try SolarmanV5Frame.decode(fixture.bytes)
            #expect(frame.bytes == fixture.bytes, "\(fixture.label)")
            if let serial = fixture.logger_serial { #expect(frame.loggerSerial == serial, "\(fixture.label)") }
            if let code = fixture.control_code_le { #expect(frame.controlCode.rawValue == UInt16(code.dropFirst(2), radix: 16)) }
            checked += 1
        }
        #expect(checked == 21)
    }

    @Test("the captured DATA frame four bytes short of its length field is rejected with the bytes kept")
    func shortDataFrame() {
        let fixture = Fixtures.solarman.real_frames.first { $0.label.contains("DATA frame") }!
        #expect {
            try SolarmanV5Frame.decode(fixture.bytes)
        } throws: { error in
            let error = error as! HeliographError
            return error.code == .malformedFrame && error.message.contains("length field") && error.bytes == fixture.bytes
        }
    }

    @Test("a flipped checksum byte is a checksum mismatch")
    func checksumMismatch() {
        var bytes = Fixtures.frame("response to 0x0076")
        bytes[bytes.count - 2] ^= 0xFF
        #expect {
            try SolarmanV5Frame.decode(bytes)
        } throws: { ($0 as! HeliographError).code == .checksumMismatch }
    }

    @Test("requests are encoded byte for byte like the reference frames")
    func requestEncoding() throws {
        let cases: [(String, UInt32, UInt8, ModbusRequest)] = [
            ("request: read holding reg 0x0076", 2_722_790_423, 0x65, .readHoldingRegisters(address: 0x76, count: 1)),
            ("Deye: read holding 0x0000", 2_612_749_371, 0x10, .readHoldingRegisters(address: 0, count: 0x17)),
            ("Deye single-phase hybrid chunk 1", 2_612_749_371, 0x11, .readHoldingRegisters(address: 0x3B, count: 0x36)),
            ("Deye three-phase hybrid: read holding 0x024A", 2_612_749_371, 0x13, .readHoldingRegisters(address: 0x24A, count: 0x7B)),
            ("Solis: read input 33022", 2_612_749_371, 0x14, .readInputRegisters(address: 33022, count: 6)),
            ("Deye: write multiple (0x10)", 2_612_749_371, 0x15, .writeMultipleRegisters(address: 0x99, values: [5000])),
        ]
        for (label, serial, sequence, request) in cases {
            let frame = SolarmanV5Frame.request(loggerSerial: serial, sequence: sequence, unit: 1, request)
            #expect(frame.bytes == Fixtures.frame(label), "\(label)")
            let parsed = try SolarmanV5RequestPayload.parse(try SolarmanV5Frame.decode(frame.bytes).payload).modbusRequest()
            #expect(parsed.unit == 1)
            #expect(parsed.request == request)
        }
    }

    @Test("the heartbeat time reply matches the reference construction")
    func heartbeatReply() throws {
        let heartbeat = try SolarmanV5Frame.decode(Fixtures.frame("unsolicited HEARTBEAT"))
        #expect(heartbeat.controlCode == .heartbeat)
        #expect(heartbeat.controlCode.isUnsolicited)
        #expect(heartbeat.payload == [0x00])
        let reply = SolarmanV5Frame.timeReply(to: heartbeat, unixTime: 1_700_000_000)
        #expect(reply.bytes == Fixtures.frame("constructed reply to the heartbeat"))
    }

    @Test("a response payload yields registers and the logger's sample time")
    func responsePayload() throws {
        let frame = try SolarmanV5Frame.decode(Fixtures.frame("response to 0x0076"))
        let payload = try SolarmanV5ResponsePayload.parse(frame.payload)
        #expect(payload.totalWorkingTime == 5_685_700)
        #expect(payload.powerOnTime == 6_768)
        #expect(payload.sampleUnixTime == 1_689_225_094)
        let (unit, response) = try payload.modbusResponse()
        #expect(unit == 1)
        #expect(try response.registers(for: .readHoldingRegisters(address: 0x76, count: 1)) == [4800])
        #expect(payload.bytes == frame.payload)
    }

    @Test("the short 05 00 error payload is an error, never data")
    func shortErrorPayload() throws {
        let frame = try SolarmanV5Frame.decode(Fixtures.frame("response with 2-byte payload"))
        let payload = try SolarmanV5ResponsePayload.parse(frame.payload)
        #expect(payload.isLoggerError)
        #expect {
            try payload.modbusResponse()
        } throws: { error in
            let error = error as! HeliographError
            return error.code == .deviceUnavailable && error.message.contains("05 00") && error.bytes == [0x05, 0x00]
        }
    }

    @Test("the double-CRC quirk is stripped and the inverter serial decodes")
    func doubleCRC() throws {
        let frame = try SolarmanV5Frame.decode(Fixtures.frame("response to 0x0003 x5"))
        let payload = try SolarmanV5ResponsePayload.parse(frame.payload)
        #expect(payload.modbusFrame.count == 17)
        #expect(payload.correctedModbusFrame.count == 15)
        let registers = try payload.modbusResponse().response.registers(for: .readHoldingRegisters(address: 3, count: 5))
        let serial = RegisterField(id: "inverter_serial", name: "Serial", type: .ascii, registers: [3, 4, 5, 6, 7])
        var image = RegisterImage()
        image.insert(start: 3, values: registers)
        #expect(serial.decode(image) == .text("2106234258"))
    }

    @Test("a frame that merely ends in 00 00 keeps its bytes")
    func noFalseDoubleCRC() throws {
        var modbus = ByteBuffer()
        ModbusRTUFrame.encode(unit: 1, ModbusResponse.registers(function: .readHoldingRegisters, values: [0, 0]), into: &modbus)
        let payload = SolarmanV5ResponsePayload(modbusFrame: Array(modbus.readableBytesView))
        #expect(payload.correctedModbusFrame == payload.modbusFrame)
        #expect(try payload.modbusResponse().response == .registers(function: .readHoldingRegisters, values: [0, 0]))
    }
}
