import HeliographCore
import HeliographModbus
import HeliographTransport
import Logging
import NIOCore

/// Runs Modbus requests over plain Modbus TCP on one connection, one at a time, using the shared
/// MBAP framing and client session (transaction ids, unit and function checks).
struct DeyeModbusTCPExchange: Sendable {
    var transport: any ByteTransport
    var unit: UInt8
    var firstTransactionID: UInt16
    var requestTimeout: Duration

    func run(_ requests: [ModbusRequest], logger: Logger, progress step: DeyeExchangeProgress) async throws -> [ModbusResponse] {
        let transport = transport
        let configuration = self
        do {
            return try await withRequestDeadlines(step) {
                try await transport.withConnection { inbound, outbound in
                    // One request in flight: RS-485 gateways behind Deye inverters rarely queue more.
                    var session = ModbusTCPClientSession<Int>(maximumInFlight: 1, firstTransactionID: configuration.firstTransactionID)
                    var frames = inbound.decode(using: ModbusTCPFrameDecoder()).makeAsyncIterator()
                    var responses: [Int: ModbusResponse] = [:]
                    // Deadlines are enforced by the watchdog around us; the session only matches answers.
                    let deadline = ContinuousClock.now.advanced(by: .seconds(86_400))
                    var actions: [ModbusTCPClientSession<Int>.Action] = []
                    for (index, request) in requests.enumerated() {
                        actions += session.submit(index, unit: configuration.unit, request: request, deadline: deadline)
                    }
                    actions += session.connected()
                    while true {
                        for action in actions {
                            switch action {
                            case .send(let frame):
                                if let index = Int(exactly: frame.transactionID &- configuration.firstTransactionID), index < requests.count {
                                    step.begin("waiting for the answer to \(requests[index].summary)")
                                }
                                var buffer = ByteBuffer()
                                frame.encode(into: &buffer)
                                try await outbound.write(buffer)
                            case .succeed(let index, let response):
                                responses[index] = response
                            case .fail(_, let error):
                                throw error
                            case .connect:
                                break
                            }
                        }
                        if responses.count == requests.count { break }
                        guard let frame = try await frames.next() else {
                            throw HeliographError(.connectionFailed, "\(transport.address) closed the connection while \(step.step)")
                        }
                        actions = session.received(frame)
                    }
                    return requests.indices.map { responses[$0]! }
                }
            }
        } catch let error as HeliographError where error.code == .timeout {
            throw HeliographError(
                .timeout,
                "no Modbus TCP answer from \(transport.address) within \(requestTimeout) per request while \(step.step)",
                underlying: error
            )
        } catch let error as HeliographError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw HeliographError(.connectionFailed, "Modbus TCP connection to \(transport.address) failed while \(step.step)", underlying: error)
        }
    }
}
