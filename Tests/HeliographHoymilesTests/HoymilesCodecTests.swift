import HeliographCore
import HeliographHoymiles
import HeliographHoymilesTesting
import HeliographModbus
import NIOCore
import Testing

@Suite struct HoymilesCodecTests {
    @Test func decodesBothFixtureBlocksWithSeriesDependentCurrent() throws {
        let fixture = try HoymilesFixture.load()
        #expect(fixture.test_vectors.count == 2)
        for vector in fixture.test_vectors {
            let block = try HoymilesPortBlock(bytes: hexBytes(vector.port_block_hex))
            let expected = vector.expected_decoded
            #expect(block.serial.description == expected.serial_number, "\(vector.label)")
            #expect(Int(block.portNumber) == expected.port_number)
            #expect(abs(block.pvVoltage - expected.pv_voltage_V) < 1e-9)
            #expect(abs(block.pvCurrent - expected.pv_current_A) < 1e-9, "\(vector.label)")
            #expect(abs(block.gridVoltage - expected.grid_voltage_V) < 1e-9)
            #expect(abs(block.gridFrequency - expected.grid_frequency_Hz) < 1e-9)
            #expect(abs(block.pvPower - expected.pv_power_W) < 1e-9)
            #expect(Int(block.todayProductionWh) == expected.today_production_Wh)
            #expect(Int(block.totalProductionWh) == expected.total_production_Wh)
            #expect(abs(block.temperature - expected.temperature_C) < 1e-9)
            #expect(Int(block.operatingStatus) == expected.operating_status)
            #expect(Int(block.alarmCode) == expected.alarm_code)
            #expect(Int(block.alarmCount) == expected.alarm_count)
            #expect(Int(block.linkStatus) == expected.link_status)
            #expect(block.bytes == hexBytes(vector.port_block_hex), "encoding must reproduce the capture")
        }
        let mi = try HoymilesPortBlock(bytes: hexBytes(fixture.test_vectors[0].port_block_hex))
        #expect(mi.serial.isMISeries)
        #expect(mi.pvCurrent == 0.2)
    }

    @Test func fixtureFramesDecodeThroughModbusTCP() throws {
        let vector = try HoymilesFixture.load().test_vectors[0]
        let request = ModbusTCPFrame(transactionID: 1, unit: 1, request: HoymilesRegisterMap.portBlockRequest(0))
        #expect(request.bytes == hexBytes(vector.constructed_modbus_tcp_request_hex))
        var input = ByteBuffer(bytes: hexBytes(vector.constructed_modbus_tcp_response_hex))
        var decoder = ModbusTCPFrameDecoder()
        let frame = try #require(try decoder.decode(buffer: &input))
        let registers = try frame.response().registers(for: HoymilesRegisterMap.portBlockRequest(0))
        #expect(try HoymilesPortBlock(registers: registers).serial.description == "103332416355")
    }

    @Test func portBlocksSitAtByteAddresses() {
        #expect(HoymilesRegisterMap.portBlockRequest(0) == .readHoldingRegisters(address: 0x1000, count: 20))
        #expect(HoymilesRegisterMap.portBlockRequest(1) == .readHoldingRegisters(address: 0x1028, count: 20))
        #expect(HoymilesRegisterMap.portBlockRequest(99) == .readHoldingRegisters(address: 0x1000 + 0x28 * 99, count: 20))
    }

    @Test func decodesDTUSerialVector() throws {
        let vector = try HoymilesFixture.load().dtu_serial.test_vector
        var pdu = ByteBuffer(bytes: [0x03] + hexBytes(vector.pdu_data_hex))
        let registers = try ModbusResponse.decode(from: &pdu).registers(for: HoymilesRegisterMap.dtuSerialRequest)
        #expect(try HoymilesRegisterMap.dtuSerial(from: registers).description == vector.expected)
        #expect(HoymilesSerialNumber(vector.expected)?.bytes == hexBytes("11 d3 61 60 08 31"))
        #expect(HoymilesSerialNumber("12345") == nil)
        #expect(HoymilesSerialNumber("zz3332416355") == nil)
    }

    @Test func emptyBlockEndsTheList() throws {
        let block = try HoymilesPortBlock(bytes: hexBytes(try HoymilesFixture.load().empty_block_example_hex))
        #expect(block.serial.isEmpty)
        #expect(HoymilesInverterReading.group([block]).isEmpty)
    }

    @Test func rejectsShortBlocksKeepingTheBytes() {
        let error = #expect(throws: HeliographError.self) { try HoymilesPortBlock(bytes: [0x0C, 0x10]) }
        #expect(error?.code == .malformedFrame)
        #expect(error?.bytes == [0x0C, 0x10])
    }

    @Test func groupsPortsOfOneInverter() throws {
        let serial = HoymilesSerialNumber("116180012345")!
        let other = HoymilesSerialNumber("103332416355")!
        let blocks = [
            HoymilesPortBlock(serial: serial, portNumber: 2, linkStatus: 1),
            HoymilesPortBlock(serial: serial, portNumber: 1, linkStatus: 1),
            HoymilesPortBlock(serial: other, portNumber: 1, linkStatus: 1),
        ]
        let readings = HoymilesInverterReading.group(blocks)
        #expect(readings.map(\.serial) == [serial, other])
        #expect(readings[0].ports.map(\.portNumber) == [1, 2])
    }
}
