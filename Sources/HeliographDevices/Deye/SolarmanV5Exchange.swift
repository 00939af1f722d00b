import Foundation
import HeliographCore
import HeliographModbus
import HeliographSolarman
import HeliographTransport
import Logging
import NIOCore

/// Runs Modbus requests through a Solarman V5 logger on one TCP connection: writes each request,
/// answers heartbeats, skips unsolicited frames and garbage, and matches answers by sequence byte.
struct SolarmanV5Exchange: Sendable {
    var transport: any ByteTransport
    var loggerSerial: UInt32
    var slaveID: UInt8
    var initialSequence: UInt8
    var answersHeartbeats: Bool
    var requestTimeout: Duration

    /// Sends `requests` in order on one connection and returns their answers (exceptions included).
    func run(_ requests: [ModbusRequest], logger: Logger, progress: DeyeExchangeProgress) async throws -> [ModbusResponse] {
        let transport = transport
        let configuration = self
        do {
            return try await withRequestDeadlines(progress) {
                try await transport.withConnection { inbound, outbound in
                    var session = SolarmanV5Session(
                        loggerSerial: configuration.loggerSerial,
                        initialSequence: configuration.initialSequence,
                        answersHeartbeats: configuration.answersHeartbeats
                    )
                    var frames = inbound.decode(using: SolarmanV5FrameDecoder()).makeAsyncIterator()
                    var responses: [ModbusResponse] = []
                    for request in requests {
                        progress.begin("waiting for the answer to \(request.summary)")
                        var buffer = ByteBuffer()
                        session.send(request, unit: configuration.slaveID).encode(into: &buffer)
                        try await outbound.write(buffer)
                        waiting: while true {
                            guard let item = try await frames.next() else {
                                throw HeliographError(
                                    .connectionFailed,
                                    "the logger at \(transport.address) closed the connection while \(progress.step)"
                                )
                            }
                            switch session.receive(item, unixTime: UInt32(truncatingIfNeeded: Int(Date().timeIntervalSince1970))) {
                            case .deliver(_, let response, _):
                                responses.append(response)
                                break waiting
                            case .send(let frame, let reason):
                                logger.debug("answering logger frame", metadata: ["frame.kind": "\(reason)"])
                                var reply = ByteBuffer()
                                frame.encode(into: &reply)
                                try await outbound.write(reply)
                            case .ignore(let reason):
                                logger.debug("skipped logger input", metadata: ["frame.reason": "\(reason)"])
                                progress.discarded(session.lastDiscarded)
                            case .fail(let error):
                                throw error
                            }
                        }
                    }
                    progress.learned(session.loggerSerial)
                    return responses
                }
            }
        } catch let error as HeliographError where error.code == .timeout {
            var message = "no answer from the logger at \(transport.address) within \(requestTimeout) per request while \(progress.step)"
            if let discarded = progress.discarded { message += "; last skipped input: \(discarded)" }
            throw HeliographError(.timeout, message, underlying: error)
        } catch let error as HeliographError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw HeliographError(.connectionFailed, "connection to the logger at \(transport.address) failed while \(progress.step)", underlying: error)
        }
    }
}

extension ModbusRequest {
    /// Short human description for errors and logs: `read holding 0x3B…0x70 (54)`.
    var summary: String {
        func hex(_ value: UInt16) -> String { "0x" + String(value, radix: 16, uppercase: true) }
        switch self {
        case .readHoldingRegisters(let address, let count): return "read holding \(RegisterRange(start: address, count: count))"
        case .readInputRegisters(let address, let count): return "read input \(RegisterRange(start: address, count: count))"
        case .writeSingleRegister(let address, let value): return "write \(hex(address)) = \(value)"
        case .writeMultipleRegisters(let address, let values): return "write \(hex(address)) = \(values)"
        }
    }
}
