import Foundation
import HeliographCore
import HeliographPI30
import HeliographTransport
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A way the simulated inverter misbehaves, for tests.
public enum PI30Fault: Sendable, Hashable {
    /// The next reply carries a wrong CRC.
    case corruptNextCRC
    /// The next reply stops halfway, without CR.
    case truncateNextReply
    /// The next command gets no reply at all.
    case dropNextReply
    /// The next time this command arrives it gets no reply (other commands are answered meanwhile).
    case dropReply(to: PI30Command)
}

/// Serves a `PI30Simulator` on a pseudo-terminal, so a driver can open it like `/dev/ttyUSB0`.
///
/// `onReady` receives the secondary path (`/dev/pts/N`) once the pty is listening; with
/// `symlinkPath` a symlink to it is also created (and removed again on shutdown).
public final class PI30SimulatorService: Service, Sendable {
    public struct Configuration: Sendable {
        /// Where to create a symlink to the pty, e.g. `/tmp/heliograph-pi30`.
        public var symlinkPath: String?
        /// Send replies as 8-byte zero-padded reports, like the USB HID bridge.
        public var hidChunking: Bool
        /// The simulated clock; the daylight curve follows it.
        public var clock: @Sendable () -> Date

        public init(symlinkPath: String? = nil, hidChunking: Bool = false, clock: @escaping @Sendable () -> Date = { Date() }) {
            self.symlinkPath = symlinkPath
            self.hidChunking = hidChunking
            self.clock = clock
        }
    }

    /// Counters for tests and the demo.
    public struct Statistics: Sendable, Hashable {
        public var commandsReceived = 0
        public var invalidCommands = 0
        public var bytesReceived = 0
        public var repliesSent = 0
        /// Sizes of the writes the simulator received, to check HID report framing.
        public var readSizes: [Int] = []
    }

    private struct Shared {
        var simulator: PI30Simulator
        var faults: [PI30Fault] = []
        var silent = false
        var statistics = Statistics()
    }

    private let configuration: Configuration
    private let onReady: @Sendable (String) -> Void
    private let logger: Logger
    private let shared: Mutex<Shared>
    private let started = Atomic<Bool>(false)

    public init(
        simulator: PI30Simulator = PI30Simulator(),
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "heliograph.simulator.pi30"),
        onReady: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.onReady = onReady
        self.logger = logger
        self.shared = Mutex(Shared(simulator: simulator))
    }

    /// Queues a one-shot fault for the next reply.
    public func inject(_ fault: PI30Fault) {
        shared.withLock { $0.faults.append(fault) }
    }

    /// While silent, commands are read and never answered.
    public func setSilent(_ silent: Bool) {
        shared.withLock { $0.silent = silent }
    }

    /// The simulated device's current state (settings, state of charge).
    public var state: PI30Simulator.State { shared.withLock { $0.simulator.state } }

    /// Changes the simulated device's state, e.g. to cut the grid.
    public func updateState(_ update: @Sendable (inout PI30Simulator.State) -> Void) {
        shared.withLock { update(&$0.simulator.state) }
    }

    public var statistics: Statistics { shared.withLock { $0.statistics } }

    public func run() async throws {
        guard !started.exchange(true, ordering: .relaxed) else {
            throw HeliographError(.invalidConfiguration, "PI30SimulatorService can run only once")
        }
        let terminal = try PseudoTerminal.open()
        defer { terminal.closeKeepAlive() }
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await terminal.primaryChannel()
        } catch {
            terminal.closeKeepAlive()
            throw error
        }
        if let link = configuration.symlinkPath {
            try? FileManager.default.removeItem(atPath: link)
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: terminal.secondaryPath)
        }
        defer {
            if let link = configuration.symlinkPath { try? FileManager.default.removeItem(atPath: link) }
        }
        logger.info("PI30 simulator listening", metadata: ["pty.path": "\(terminal.secondaryPath)"])
        onReady(terminal.secondaryPath)
        try await channel.executeThenClose { inbound, outbound in
            let counted = inbound.map { [self] buffer in
                self.shared.withLock {
                    $0.statistics.bytesReceived += buffer.readableBytes
                    $0.statistics.readSizes.append(buffer.readableBytes)
                }
                return buffer
            }
            for try await received in counted.decode(using: PI30CommandDecoder()).cancelOnGracefulShutdown() {
                guard let reply = nextReply(to: received) else { continue }
                if configuration.hidChunking {
                    try await outbound.write(contentsOf: PI30HIDFraming.reports(for: reply).map { ByteBuffer(bytes: $0) })
                } else {
                    try await outbound.write(ByteBuffer(bytes: reply))
                }
            }
        }
    }

    /// The first queued fault, unless it waits for another command.
    private static func takeFault(for received: PI30ReceivedCommand, from faults: inout [PI30Fault]) -> PI30Fault? {
        guard let first = faults.first else { return nil }
        if case .dropReply(let target) = first, received != .command(target) { return nil }
        return faults.removeFirst()
    }

    /// The bytes to send back, after faults; nil when the reply is dropped.
    private func nextReply(to received: PI30ReceivedCommand) -> [UInt8]? {
        let now = configuration.clock()
        return shared.withLock { shared -> [UInt8]? in
            shared.statistics.commandsReceived += 1
            if case .invalid = received { shared.statistics.invalidCommands += 1 }
            var reply = shared.simulator.reply(to: received, at: now)
            if shared.silent { return nil }
            let fault = Self.takeFault(for: received, from: &shared.faults)
            switch fault {
            case .dropNextReply?, .dropReply?:
                return nil
            case .truncateNextReply?:
                reply = Array(reply.prefix(reply.count / 2))
            case .corruptNextCRC?:
                let checked = reply.dropLast(3)
                let wrong = PI30CRC.wireBytes(PI30CRC.checksum(checked) ^ 0x1111)
                reply = Array(checked) + [wrong.high, wrong.low, 0x0D]
            case nil:
                break
            }
            shared.statistics.repliesSent += 1
            return reply
        }
    }
}
