import Foundation
import HeliographCore
import HeliographPI30
import HeliographDevices
import NIOCore

extension FuzzTargets {
    /// Commands whose replies the daemon decodes into typed values.
    static let pi30Commands = [
        "QPIGS", "QPIGS2", "QPIRI", "QMOD", "QPIWS", "QID", "QSID", "QVFW", "QVFW2", "QFLAG", "QDI",
        "QPGS0", "QPGS1", "QMCHGCR", "QMUCHGCR", "QET", "QLT", "QEY2024", "QEM202401", "QED20240131", "QLD20240131", "QPI", "POP02",
    ]

    /// Replies from the captured frames and the simulator, each prefixed by its command and a NUL
    /// (see `pi30Split`), so the mutator can also change which command a reply answers.
    static let pi30Seeds: [[UInt8]] = {
        var simulator = PI30Simulator()
        let time = Date(timeIntervalSince1970: 1_750_000_000)
        var seeds = CapturedFrames.pi30Replies.map { Array($0.command.utf8) + [0] + [UInt8](hex: $0.hex) }
        for command in pi30Commands {
            guard let payload = simulator.respond(to: PI30Command(command), at: time) else { continue }
            seeds.append(Array(command.utf8) + [0] + PI30Frame.responseBytes(payload: payload))
        }
        // Two replies back to back, and one after line noise: the resynchronisation paths.
        seeds.append(Array("QMOD".utf8) + [0] + PI30Frame.responseBytes(payload: "B") + PI30Frame.responseBytes(payload: "L"))
        seeds.append(Array("QPIWS".utf8) + [0] + [0x00, 0x0A, 0x28, 0x41] + PI30Frame.responseBytes(payload: String(repeating: "0", count: 32)))
        return seeds
    }()

    static let pi30Dictionary: [[UInt8]] = [[0x28], [0x0D], [0x0A], [0x00], Array("NAK".utf8), Array("ACK".utf8), Array(" ".utf8), Array(".".utf8), Array("-".utf8)]

    /// Splits an input into the command it answers and the bytes on the wire.
    static func pi30Split(_ input: [UInt8], _ random: inout FuzzRandom) -> (PI30Command, ArraySlice<UInt8>) {
        if let separator = input.firstIndex(of: 0), separator <= 12 {
            return (PI30Command(String(decoding: input[..<separator], as: UTF8.self)), input[(separator + 1)...])
        }
        return (PI30Command(random.pick(pi30Commands)), input[...])
    }

    /// Recomputes the CRC of every `(`…CR frame in the wire part, so replies reach the field parsers.
    static func pi30Repair(_ input: [UInt8], _: Bool) -> [UInt8] {
        var bytes = input
        let wireStart = (bytes.firstIndex(of: 0).map { $0 <= 12 ? $0 + 1 : 0 }) ?? 0
        var frameStart: Int?
        var index = wireStart
        while index < bytes.count {
            switch bytes[index] {
            case 0x28:
                frameStart = index
            case 0x0D, 0x0A:
                if let start = frameStart, index - start >= 3 {
                    let (high, low) = PI30CRC.wireBytes(PI30CRC.checksum(bytes[start..<(index - 2)]))
                    bytes[index - 2] = high
                    bytes[index - 1] = low
                }
                frameStart = nil
            default:
                break
            }
            index += 1
        }
        return bytes
    }

    /// Decodes every frame the way the PI30 driver does: typed reply, then fields.
    static func pi30Accept(_ frame: PI30Frame, _ command: PI30Command) -> Bool {
        guard let response = try? PI30Response.decode(frame, for: command) else { return false }
        var values = PI30Fields.values(from: response)
        PI30Fields.combinePV(&values)
        return true
    }

    static let pi30Serial = FuzzTarget(
        name: "pi30-serial",
        summary: "PI30 replies over a serial line (PI30ResponseDecoder, random read sizes) → typed reply → fields",
        seeds: pi30Seeds,
        dictionary: pi30Dictionary,
        maximumLength: 1_024,
        repair: pi30Repair
    ) { input, random in
        let (command, wire) = pi30Split(input, &random)
        var decoder = PI30ResponseDecoder()
        return StreamFeeder.decode(&decoder, reads: StreamFeeder.chunks(Array(wire), &random)) { pi30Accept($0, command) }
    }

    static let pi30HID = FuzzTarget(
        name: "pi30-hid",
        summary: "PI30 replies over USB HID: 8-byte NUL-padded reports, one read each (decoder and HID reassembler) → typed reply → fields",
        seeds: pi30Seeds.map { seed in
            // The wire part cut into padded reports, as the HID bridge delivers it.
            guard let separator = seed.firstIndex(of: 0) else { return seed }
            return Array(seed[...separator]) + PI30HIDFraming.reports(for: seed[(separator + 1)...]).joined()
        },
        dictionary: pi30Dictionary + [[0, 0, 0, 0, 0, 0, 0, 0]],
        maximumLength: 1_024,
        repair: pi30Repair
    ) { input, random in
        let (command, wire) = pi30Split(input, &random)
        let reports = stride(from: wire.startIndex, to: wire.endIndex, by: PI30HIDFraming.reportSize).map {
            wire[$0..<min(wire.endIndex, $0 + PI30HIDFraming.reportSize)]
        }
        var reassembler = PI30HIDReassembler()
        var reassembled = 0
        for report in reports {
            if let frame = reassembler.append(report), (try? PI30Frame.validate(frame)) != nil { reassembled += 1 }
        }
        var decoder = PI30ResponseDecoder()
        return StreamFeeder.decode(&decoder, reads: reports) { pi30Accept($0, command) } || reassembled > 0
    }
}
