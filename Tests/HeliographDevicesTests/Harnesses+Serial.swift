import HeliographCore
import HeliographDevices
import HeliographTesting
import HeliographTransport
import Logging
import NIOCore

let quietLogger = Logger(label: "heliograph.tests.conformance") { _ in SwiftLogNoOpLogHandler() }

extension FamilyHarness {
    /// A PI30 inverter on a real pseudo-terminal: the simulator, a pty nobody answers on, or one that answers noise.
    static let pi30 = FamilyHarness { behaviour, body in
        let context = DeviceContext(logger: quietLogger)
        let device = { @Sendable (path: String) in DeviceConfiguration(id: "pi30-under-test", type: "pi30", timeout: .seconds(2), options: PI30Options(port: path)) }
        switch behaviour {
        case .simulated:
            let (paths, continuation) = AsyncStream.makeStream(of: String.self)
            let service = PI30SimulatorService(configuration: .init(), logger: quietLogger) { continuation.yield($0) }
            let task = Task { try await service.run() }
            defer { task.cancel() }
            var iterator = paths.makeAsyncIterator()
            guard let path = await iterator.next() else { throw TestFailure("the PI30 simulator stopped before it was ready") }
            try await body(device(path), context)
            task.cancel()
            _ = await task.result
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
