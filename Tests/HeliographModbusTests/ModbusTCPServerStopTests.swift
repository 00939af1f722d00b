import HeliographModbus
import HeliographDevices
import HeliographTesting
import Testing

/// The simulators' TCP server (`TCPServerLoop`) cancelled while clients connect: every connection
/// it accepted is closed, none is left open or dropped half-made (see `UnservedConnections`).
@Suite struct ModbusTCPServerStopTests {
    /// A read of one holding register, unit 1, transaction 1.
    static let request = String(decoding: [0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 1] as [UInt8], as: UTF8.self)

    @Test("a simulator server cancelled while clients connect closes every connection")
    func cancelledWhileClientsConnect() async throws {
        let registers = TestRegisterFile()
        for round in 0..<25 {
            let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
            let server = ModbusTCPServer(onReady: { portContinuation.yield($0) }, handler: registers.handle)
            let serving = Task { try await server.run() }
            var listening = ports.makeAsyncIterator()
            let port = try #require(await listening.next())
            let opened = await ConnectFlood.connect(port: port, sending: Self.request, cancelling: serving)
            for connection in opened {
                let result = await connection.readUntilClosed(timeout: .seconds(10))
                #expect(result.closed, "round \(round): a connection accepted as the server stopped was left open")
            }
        }
    }
}
