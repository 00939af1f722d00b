import HeliographCore
import HeliographDevices
import HeliographTesting
import HeliographTransport
import Logging
import NIOCore
import ServiceLifecycle

let quietLogger = Logger(label: "heliograph.tests.conformance") { _ in SwiftLogNoOpLogHandler() }

/// Runs a simulator until `body` is done; `body` gets the first value it announces on `readiness` (a path, a port).
func whileRunning<Value: Sendable>(_ simulator: some Service, readiness: AsyncStream<Value>, _ body: (Value) async throws -> Void) async throws {
    let task = Task { try await simulator.run() }
    defer { task.cancel() }
    var iterator = readiness.makeAsyncIterator()
    guard let value = await iterator.next() else { throw TestFailure("\(type(of: simulator)) stopped before it was ready") }
    try await body(value)
    task.cancel()
    _ = await task.result
}

extension FamilyHarness {
    /// A PI30 inverter on a real pseudo-terminal: the simulator, a pty nobody answers on, or one that answers noise.
    static let pi30 = FamilyHarness { behaviour, body in
        let context = DeviceContext(logger: quietLogger)
        let device = { @Sendable (path: String) in DeviceFamily.pi30.configuration(id: "pi30-under-test", options: PI30Options(port: path), retry: conformanceRetry) }
        switch behaviour {
        case .simulated:
            let (paths, ready) = AsyncStream.makeStream(of: String.self)
            let simulator = PI30SimulatorService(configuration: .init(), logger: quietLogger) { ready.yield($0) }
            try await whileRunning(simulator, readiness: paths) { try await body(device($0), context) }
        case .silent:
            let terminal = try PseudoTerminal.open()
            defer { terminal.closeAll() }
            try await body(device(terminal.secondaryPath), context)
        case .garbage:
            let terminal = try PseudoTerminal.open()
            let channel = try await terminal.primaryChannel()
            let answering = Task {
                try await channel.executeThenClose { input, output in
                    for try await _ in input { try await output.write(ByteBuffer(string: "(@@ not a PI30 reply \u{01}\u{02}\r")) }
                }
            }
            defer { answering.cancel() }
            try await body(device(terminal.secondaryPath), context)
        }
    }
}
