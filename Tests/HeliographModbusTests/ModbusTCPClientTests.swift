import HeliographCore
import HeliographDevices
import HeliographModbus
import HeliographTesting
import HeliographTransport
import Synchronization
import Testing

/// Registers 0x0000… hold their own address; a read of register N is answered after
/// (10 − N mod 10) × 5 ms, so concurrent reads come back out of order. Unit 9 never answers,
/// address 0xFFF0 raises "illegal data address", and writes go to a small register file.
/// It counts how many requests it handled at once (`mostAtOnce`).
final class TestRegisterFile: Sendable {
    let written = Mutex<[UInt16: UInt16]>([:])
    private let handling = Mutex((now: 0, most: 0))

    /// The most requests handled at the same time so far.
    var mostAtOnce: Int { handling.withLock { $0.most } }

    func handle(unit: UInt8, request: ModbusRequest) async -> ModbusResponse? {
        handling.withLock { counts in
            counts.now += 1
            counts.most = max(counts.most, counts.now)
        }
        defer { handling.withLock { $0.now -= 1 } }
        guard unit != 9 else { return nil }
        switch request {
        case .readHoldingRegisters(let address, let count), .readInputRegisters(let address, let count):
            if address == 0xFFF0 { return .exception(function: request.function.rawValue, code: .illegalDataAddress) }
            try? await Task.sleep(for: .milliseconds(5 * (10 - Int(address) % 10)))
            let values = (0..<count).map { offset in written.withLock { $0[address + offset] } ?? address + offset }
            return .registers(function: request.function, values: values)
        case .writeSingleRegister(let address, let value):
            written.withLock { $0[address] = value }
            return .wroteSingleRegister(address: address, value: value)
        case .writeMultipleRegisters(let address, let values):
            written.withLock { file in
                for (offset, value) in values.enumerated() { file[address + UInt16(offset)] = value }
            }
            return .wroteMultipleRegisters(address: address, count: UInt16(values.count))
        }
    }
}

/// Runs a `ModbusTCPServer` for the duration of `body`, passing its port.
func withModbusServer<Result: Sendable>(
    port: Int = 0,
    answersConcurrently: Bool = false,
    handler: @escaping ModbusTCPServer.Handler,
    _ body: @Sendable (Int) async throws -> Result
) async throws -> Result {
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let server = ModbusTCPServer(configuration: .init(port: port, answersConcurrently: answersConcurrently), onReady: { portContinuation.yield($0) }, handler: handler)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        defer { group.cancelAll() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        return try await body(port)
    }
}

@Suite struct ModbusTCPClientTests {
    func client(port: Int, timeout: Duration = .seconds(10), maximumInFlight: Int = 8) -> ModbusTCPClient {
        ModbusTCPClient(
            transport: TCPTransport(.init(host: "127.0.0.1", port: port)),
            configuration: .init(requestTimeout: timeout, maximumInFlight: maximumInFlight)
        )
    }

    @Test func pipelinedReadsGetTheirOwnAnswersFromAServerAnsweringOutOfOrder() async throws {
        let registers = TestRegisterFile()
        try await withModbusServer(answersConcurrently: true, handler: registers.handle) { port in
            try await client(port: port).withRunning { client in
                try await withThrowingTaskGroup(of: (UInt16, [UInt16]).self) { group in
                    for address in UInt16(0)..<20 {
                        group.addTask { (address, try await client.read(unit: 1, request: .readHoldingRegisters(address: address * 3, count: 2))) }
                    }
                    var answered = 0
                    for try await (address, values) in group {
                        #expect(values == [address * 3, address * 3 + 1])
                        answered += 1
                    }
                    #expect(answered == 20)
                }
                let statistics = await client.statistics
                #expect(statistics.responses == 20)
                #expect(statistics.connections == 1)
            }
        }
        // Several requests were really handled at once, so answers overtook each other.
        #expect(registers.mostAtOnce > 1)
    }

    @Test func theServerAnswersOneRequestAtATimeInOrderByDefault() async throws {
        // Like a gateway or pymodbus: pipelined requests are taken one after the other, never together.
        let registers = TestRegisterFile()
        try await withModbusServer(handler: registers.handle) { port in
            try await client(port: port, maximumInFlight: 8).withRunning { client in
                try await withThrowingTaskGroup(of: (UInt16, [UInt16]).self) { group in
                    for address in UInt16(0)..<12 {
                        group.addTask { (address, try await client.read(unit: 1, request: .readHoldingRegisters(address: address, count: 1))) }
                    }
                    for try await (address, values) in group { #expect(values == [address]) }
                }
                #expect(await client.statistics.responses == 12)
            }
        }
        #expect(registers.mostAtOnce == 1)
    }

    @Test func aLateAnswerToATimedOutRequestIsDroppedNotGivenToTheNextOne() async throws {
        // The server holds its answer to the first read until the client has given up on it and
        // sent a second read; answering in order, it then sends the stale answer (old transaction
        // id) first, on the same connection, followed by the second read's own.
        let (gate, openGate) = AsyncStream.makeStream(of: Void.self)
        let registers = TestRegisterFile()
        let heldArrived = Mutex(false)
        let handler: ModbusTCPServer.Handler = { unit, request in
            if case .readHoldingRegisters(0x0100, _) = request {
                heldArrived.withLock { $0 = true }
                for await _ in gate { break }
            }
            return await registers.handle(unit: unit, request: request)
        }
        try await withModbusServer(handler: handler) { port in
            try await client(port: port, maximumInFlight: 1).withRunning { client in
                // Connected first, so the held read is sent at once and times out at the server, not
                // while waiting to be sent (which a stalled test process once made it do, within 300 ms).
                #expect(try await client.read(unit: 1, request: .readHoldingRegisters(address: 7, count: 1)) == [7])
                let error = await #expect(throws: HeliographError.self) {
                    try await client.read(unit: 1, request: .readHoldingRegisters(address: 0x0100, count: 2), timeout: .seconds(1))
                }
                #expect(error?.code == .timeout)
                #expect(heldArrived.withLock { $0 }, "the held read reached the server before it timed out")
                async let second = client.read(unit: 1, request: .readHoldingRegisters(address: 0x0200, count: 2))
                try await eventually("the second read is sent") { await client.statistics.requests == 3 }
                openGate.yield()
                #expect(try await second == [0x0200, 0x0201])
                let statistics = await client.statistics
                #expect(statistics.discardedResponses == 1)
                #expect(statistics.connections == 1)
                #expect(statistics.failures == 1)
                // And the connection keeps working.
                #expect(try await client.read(unit: 1, request: .readHoldingRegisters(address: 7, count: 1)) == [7])
            }
        }
    }

    @Test func writesAndReadsBack() async throws {
        let registers = TestRegisterFile()
        try await withModbusServer(handler: registers.handle) { port in
            try await client(port: port).withRunning { client in
                try await client.write(unit: 1, request: .writeSingleRegister(address: 0x3000, value: 0xBEEF))
                try await client.write(unit: 1, request: .writeMultipleRegisters(address: 0x3001, values: [7, 8]))
                let values = try await client.read(unit: 1, request: .readInputRegisters(address: 0x3000, count: 3))
                #expect(values == [0xBEEF, 7, 8])
            }
        }
    }

    @Test func exceptionBecomesDeviceRejectedAndTheConnectionStaysUsable() async throws {
        try await withModbusServer(handler: TestRegisterFile().handle) { port in
            try await client(port: port).withRunning { client in
                let error = await #expect(throws: HeliographError.self) {
                    try await client.read(unit: 1, request: .readHoldingRegisters(address: 0xFFF0, count: 1))
                }
                #expect(error?.code == .deviceRejected)
                let value5 = try await client.read(unit: 1, request: .readHoldingRegisters(address: 5, count: 1))
                #expect(value5 == [5])
                #expect(await client.statistics.connections == 1)
            }
        }
    }

    @Test func silentUnitTimesOutWithoutBlockingOthers() async throws {
        try await withModbusServer(handler: TestRegisterFile().handle) { port in
            try await client(port: port, timeout: .seconds(10)).withRunning { client in
                async let silent = client.read(unit: 9, request: .readHoldingRegisters(address: 1, count: 1), timeout: .milliseconds(300))
                let answered = try await client.read(unit: 1, request: .readHoldingRegisters(address: 1, count: 1))
                #expect(answered == [1])
                do {
                    _ = try await silent
                    Issue.record("a unit that never answers must time out")
                } catch let error as HeliographError {
                    #expect(error.code == .timeout)
                }
                #expect(await client.statistics.timeouts == 1)
            }
        }
    }

    @Test func reconnectsOnNextUseAfterThePeerWentAway() async throws {
        let registers = TestRegisterFile()
        let firstPort = try await withModbusServer(handler: registers.handle) { port in port }
        let client = client(port: firstPort)
        try await client.withRunning { client in
            // Nobody listens now: the request fails with a connection error, not a hang.
            let error = await #expect(throws: HeliographError.self) {
                try await client.read(unit: 1, request: .readHoldingRegisters(address: 1, count: 1))
            }
            #expect(error?.code == .connectionFailed)
            try await withModbusServer(port: firstPort, handler: registers.handle) { _ in
                let value2 = try await client.read(unit: 1, request: .readHoldingRegisters(address: 2, count: 1))
                #expect(value2 == [2])
            }
            // The server stopped again: the next use notices, then one more server brings it back.
            _ = try? await client.read(unit: 1, request: .readHoldingRegisters(address: 3, count: 1))
            try await withModbusServer(port: firstPort, handler: registers.handle) { _ in
                let value4 = try await client.read(unit: 1, request: .readHoldingRegisters(address: 4, count: 1))
                #expect(value4 == [4])
            }
            #expect(await client.statistics.connections >= 2)
        }
    }

    @Test func requestsWaitForRunToStartAndFailAfterItStopped() async throws {
        try await withModbusServer(handler: TestRegisterFile().handle) { port in
            let client = client(port: port)
            let early = Task { try await client.read(unit: 1, request: .readHoldingRegisters(address: 7, count: 1)) }
            try await client.withRunning { client in
                let value = try await early.value
                #expect(value == [7])
            }
            let error = await #expect(throws: HeliographError.self) {
                try await client.read(unit: 1, request: .readHoldingRegisters(address: 0, count: 1))
            }
            #expect(error?.code == .deviceUnavailable)
        }
    }

    @Test func requestWithoutARunningClientTimesOutClearly() async throws {
        let idle = client(port: 1, timeout: .milliseconds(100))
        let error = await #expect(throws: HeliographError.self) {
            try await idle.read(unit: 1, request: .readHoldingRegisters(address: 0, count: 1))
        }
        #expect(error?.code == .deviceUnavailable)
    }
}
