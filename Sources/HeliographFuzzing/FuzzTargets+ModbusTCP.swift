import Foundation
import HeliographCore
import HeliographHoymiles
import HeliographModbus
import HeliographDevices
import NIOCore

extension FuzzTargets {
    /// What the Hoymiles driver asks a DTU, in order: its serial, then port blocks.
    static let hoymilesRequests: [ModbusRequest] = [HoymilesRegisterMap.dtuSerialRequest] + (0..<4).map(HoymilesRegisterMap.portBlockRequest)

    /// A simulated DTU's answers to `hoymilesRequests`, framed with transaction ids 1, 2, ...
    static let hoymilesAnswers: [UInt8] = {
        let simulator = HoymilesDTUSimulator(now: { Date(timeIntervalSince1970: 1_750_000_000) })
        var stream: [UInt8] = []
        for (offset, request) in hoymilesRequests.enumerated() {
            guard let response = simulator.respond(unit: 1, request: request) else { continue }
            stream += ModbusTCPFrame(transactionID: UInt16(offset + 1), unit: 1, response: response).bytes
        }
        return stream
    }()

    /// Fixes the MBAP length (and the read byte count) of the first frame.
    static func modbusTCPRepair(_ input: [UInt8], _ fixLengths: Bool) -> [UInt8] {
        var bytes = input
        guard fixLengths, bytes.count >= 8 else { return bytes }
        let length = bytes.count - 6
        bytes[4] = UInt8(truncatingIfNeeded: length >> 8)
        bytes[5] = UInt8(truncatingIfNeeded: length)
        if bytes.count >= 9, bytes[7] & 0x80 == 0 { bytes[8] = UInt8(truncatingIfNeeded: bytes.count - 9) }
        return bytes
    }

    static let modbusTCP = FuzzTarget(
        name: "modbus-tcp",
        summary: "Modbus TCP stream from a server (ModbusTCPFrameDecoder, random read sizes) → client session → Hoymiles DTU serial and port blocks",
        seeds: CapturedFrames.hoymilesModbusTCP.map { [UInt8](hex: $0) } + [hoymilesAnswers]
            + [
                ModbusTCPFrame(transactionID: 1, unit: 1, response: .exception(function: 3, code: .illegalDataAddress)).bytes,
                ModbusTCPFrame(transactionID: 2, unit: 1, response: .registers(function: .readHoldingRegisters, values: [])).bytes,
                ModbusTCPFrame(transactionID: 1, unit: 1, response: .wroteSingleRegister(address: 0xC006, value: 1)).bytes,
            ],
        dictionary: [[0x00, 0x00], [0x01, 0x03], [0x01, 0x83], [0x00, 0x01], [0xFF, 0xFF]],
        lengthFields: [.init(offset: 4, .uint16BigEndian), .init(offset: 8, .uint8)],
        maximumLength: 2_048,
        repair: modbusTCPRepair
    ) { input, random in
        var session = ModbusTCPClientSession<Int>(maximumInFlight: 8, firstTransactionID: 1)
        let deadline = ContinuousClock.now + .seconds(3_600)
        for (token, request) in hoymilesRequests.enumerated() {
            _ = session.submit(token, unit: 1, request: request, deadline: deadline)
        }
        for action in session.connected() {
            if case .send(let frame) = action { _ = frame.bytes }
        }
        var blocks: [HoymilesPortBlock] = []
        var answered = 0
        var decoder = ModbusTCPFrameDecoder()
        let repairing = random.chance(50)
        _ = StreamFeeder.decode(&decoder, reads: StreamFeeder.chunks(input, &random, largest: 96)) { frame in
            for action in session.received(frame, repairingByteCount: repairing) {
                guard case .succeed(let token, let response) = action else { continue }
                let request = hoymilesRequests[token]
                if token == 0 {
                    if let registers = try? response.registers(for: request), (try? HoymilesRegisterMap.dtuSerial(from: registers)) != nil { answered += 1 }
                    continue
                }
                switch response {
                case .exception, .registers(_, []):
                    answered += 1
                default:
                    if let registers = try? response.registers(for: request), let block = try? HoymilesPortBlock(registers: registers) {
                        blocks.append(block)
                        answered += 1
                    }
                }
            }
            return true
        }
        _ = HoymilesInverterReading.group(blocks)
        _ = session.connectionClosed(HeliographError(.connectionFailed, "end of input"))
        return answered > 0
    }
}
