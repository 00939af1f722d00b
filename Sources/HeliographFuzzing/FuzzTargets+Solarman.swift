import HeliographCore
import HeliographModbus
import HeliographSolarman
import NIOCore

extension FuzzTargets {
    /// The bundled Deye maps with their read plans, loaded once.
    static let deyeMaps: [(map: RegisterMap, plan: [RegisterRange])] = RegisterMap.bundledNames.compactMap { name in
        guard let map = try? RegisterMap.bundled(name) else { return nil }
        return (map, map.readPlan(includingSlow: true))
    }

    /// Register values that look like a live inverter's, the same on every run.
    static func plausibleRegisters(_ count: Int, seed: UInt64) -> [UInt16] {
        var random = FuzzRandom(state: seed)
        return (0..<count).map { _ in random.chance(30) ? 0 : UInt16(truncatingIfNeeded: random.below(4_000)) }
    }

    /// A logger's answer to one planned read of a bundled map.
    static func solarmanResponse(map: RegisterMap, range: RegisterRange, sequence: UInt8) -> [UInt8] {
        var rtu = ByteBuffer()
        let values = plausibleRegisters(Int(range.count), seed: UInt64(range.start))
        ModbusRTUFrame.encode(unit: 1, ModbusResponse.registers(function: map.function == 4 ? .readInputRegisters : .readHoldingRegisters, values: values), into: &rtu)
        let payload = SolarmanV5ResponsePayload(totalWorkingTime: 3_600, powerOnTime: 600, offsetTime: 1_700_000_000, modbusFrame: Array(rtu.readableBytesView))
        return SolarmanV5Frame(controlCode: .response, sequence: sequence, loggerSerial: 2_722_790_423, payload: payload.bytes).bytes
    }

    /// Decodes registers the way the Deye driver does: into an image at the range read, then every field.
    static func decodeDeye(_ response: ModbusResponse, request: ModbusRequest, range: RegisterRange, map: RegisterMap) -> Bool {
        guard let values = try? response.registers(for: request) else { return false }
        var image = RegisterImage()
        image.insert(start: range.start, values: values)
        return !map.decode(image).isEmpty || values.isEmpty
    }

    /// Fixes the V5 length and checksum of the first frame and the CRC of the Modbus frame inside it.
    static func solarmanRepair(_ input: [UInt8], _ fixLengths: Bool) -> [UInt8] {
        var bytes = input
        guard bytes.count >= SolarmanV5Frame.overhead else { return bytes }
        if fixLengths {
            let length = bytes.count - SolarmanV5Frame.overhead
            bytes[1] = UInt8(truncatingIfNeeded: length)
            bytes[2] = UInt8(truncatingIfNeeded: length >> 8)
            let rtuStart = 11 + SolarmanV5ResponsePayload.headerLength
            if bytes.count - 2 - rtuStart >= 5 {
                bytes[rtuStart + 2] = UInt8(truncatingIfNeeded: bytes.count - 2 - rtuStart - 5)
            }
        }
        let declared = Int(bytes[1]) | Int(bytes[2]) << 8
        let end = min(bytes.count, SolarmanV5Frame.overhead + declared)
        let rtuStart = 11 + SolarmanV5ResponsePayload.headerLength
        if end - 2 - rtuStart >= 4 {
            let crc = CRC16Modbus.checksum(bytes[rtuStart..<(end - 4)])
            bytes[end - 4] = UInt8(truncatingIfNeeded: crc)
            bytes[end - 3] = UInt8(truncatingIfNeeded: crc >> 8)
        }
        bytes[end - 2] = SolarmanV5Frame.checksum(bytes[1..<(end - 2)])
        bytes[end - 1] = SolarmanV5Frame.endByte
        return bytes
    }

    static let solarmanV5 = FuzzTarget(
        name: "solarman-v5",
        summary: "Solarman V5 stream from a logger (SolarmanV5FrameDecoder, random read sizes) → session → Modbus RTU → Deye register map",
        seeds: CapturedFrames.solarmanFrames.map { [UInt8](hex: $0) }
            + deyeMaps.flatMap { entry in entry.plan.map { solarmanResponse(map: entry.map, range: $0, sequence: 0x10) } }
            + [
                // A heartbeat before the answer, and an answer after junk.
                SolarmanV5Frame(controlCode: .heartbeat, sequence: 1, loggerSerial: 2_722_790_423, payload: [0]).bytes
                    + solarmanResponse(map: deyeMaps[0].map, range: deyeMaps[0].plan[0], sequence: 0x10),
                Array("+ok=AT\r\n".utf8) + solarmanResponse(map: deyeMaps[0].map, range: deyeMaps[0].plan[0], sequence: 0x10),
            ],
        dictionary: [[0xA5], [0x15], [0x10, 0x15], [0x10, 0x47], [0x10, 0x45], [0x01, 0x03], [0x01, 0x83, 0x02], [0x05, 0x00], [0x00, 0x00]],
        lengthFields: [.init(offset: 1, .uint16LittleEndian), .init(offset: 27, .uint8)],
        maximumLength: 2_048,
        repair: solarmanRepair
    ) { input, random in
        let entry = random.pick(deyeMaps)
        let range = random.pick(entry.plan)
        let request = entry.map.request(for: range)
        let unit: UInt8 = input.count > 25 ? input[25] : 1
        // The sequence the answer will carry, so a share of answers is the one awaited.
        var session = SolarmanV5Session(loggerSerial: random.chance(50) ? 0 : 2_722_790_423, initialSequence: input.count > 5 ? input[5] : 1)
        _ = session.send(request, unit: unit)
        var failed = false
        var decoder = SolarmanV5FrameDecoder()
        let reads = StreamFeeder.chunks(input, &random, largest: 96)
        var delivered = 0
        _ = StreamFeeder.decode(&decoder, reads: reads) { inbound in
            guard !failed else { return false }
            switch session.receive(inbound, unixTime: 1_750_000_000) {
            case .deliver(_, let response, _):
                if decodeDeye(response, request: request, range: range, map: entry.map) { delivered += 1 }
                _ = session.send(request, unit: unit)
            case .send(let frame, _):
                _ = frame.bytes
            case .ignore:
                break
            case .fail:
                // The exchange throws here and the connection ends.
                failed = true
            }
            return true
        }
        return delivered > 0
    }

    /// Fixes the CRC-16 at the end of a Modbus RTU frame (and its byte count, when asked).
    static func rtuRepair(_ input: [UInt8], _ fixLengths: Bool) -> [UInt8] {
        var bytes = input
        // The double-CRC quirk keeps 00 00 after the real CRC.
        let quirk = bytes.count >= 7 && bytes.suffix(2) == [0, 0]
        let end = quirk ? bytes.count - 2 : bytes.count
        guard end >= 4 else { return bytes }
        if fixLengths, bytes[1] & 0x80 == 0 { bytes[2] = UInt8(truncatingIfNeeded: end - 5) }
        let crc = CRC16Modbus.checksum(bytes[..<(end - 2)])
        bytes[end - 2] = UInt8(truncatingIfNeeded: crc)
        bytes[end - 1] = UInt8(truncatingIfNeeded: crc >> 8)
        return bytes
    }

    /// Register reads of every bundled map, plus the short and odd frames loggers relay.
    static let rtuSeeds: [[UInt8]] = {
        var seeds: [[UInt8]] = []
        for entry in deyeMaps {
            for range in entry.plan {
                var rtu = ByteBuffer()
                let values = plausibleRegisters(Int(range.count), seed: UInt64(range.start))
                ModbusRTUFrame.encode(unit: 1, ModbusResponse.registers(function: .readHoldingRegisters, values: values), into: &rtu)
                seeds.append(Array(rtu.readableBytesView))
            }
        }
        // Frames without their CRC; the repair appends it over two placeholder bytes.
        let unchecked: [String] = [
            "01030212c0",  // one register
            "018302",  // exception: illegal data address
            "010300760001",  // a read request (the simulator's side)
            "0110007600020400010002",  // write-multiple request
            "010600760001",  // write-single request
        ]
        seeds += unchecked.map { rtuRepair([UInt8](hex: $0) + [0xFF, 0xFF], false) }
        seeds.append(rtuRepair([UInt8](hex: "01030212c0") + [0xFF, 0xFF], false) + [0, 0])  // the double-CRC quirk
        seeds.append([0x05, 0x00])  // logger error: the inverter did not answer
        return seeds
    }()

    static let modbusRTU = FuzzTarget(
        name: "modbus-rtu",
        summary: "Modbus RTU frames as a Solarman logger relays them (double-CRC quirk, logger errors, CRC) → registers → Deye register map; requests as the simulator reads them",
        seeds: rtuSeeds,
        dictionary: [[0x01, 0x03], [0x01, 0x04], [0x01, 0x83], [0x00, 0x00], [0x01, 0x10], [0x01, 0x06]],
        lengthFields: [.init(offset: 2, .uint8)],
        maximumLength: 600,
        repair: rtuRepair
    ) { input, random in
        let entry = random.pick(deyeMaps)
        let range = random.pick(entry.plan)
        let payload = SolarmanV5ResponsePayload(modbusFrame: input)
        var accepted = false
        if let response = (try? payload.modbusResponse())?.response {
            accepted = decodeDeye(response, request: entry.map.request(for: range), range: range, map: entry.map)
                || (try? response.registers(for: .readHoldingRegisters(address: range.start, count: UInt16(truncatingIfNeeded: max(0, (input.count - 5) / 2))))) != nil
        }
        var buffer = ByteBuffer(bytes: input)
        if (try? ModbusRTUFrame.decodeRequest(from: &buffer)) != nil { accepted = true }
        return accepted
    }
}
