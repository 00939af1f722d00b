import Foundation
import HeliographCore
import HeliographTransport
import NIOCore
import NIOEmbedded
import Testing

@Suite("Serial, HID and pseudo-terminal transports")
struct SerialHIDTransportTests {
    /// Reads from `inbound` until `count` bytes arrived.
    static func read(_ count: Int, from inbound: NIOAsyncChannelInboundStream<ByteBuffer>) async throws -> [UInt8] {
        var received: [UInt8] = []
        for try await buffer in inbound {
            received += Array(buffer.readableBytesView)
            if received.count >= count { break }
        }
        return received
    }

    @Test("a pty in raw mode carries every byte value unchanged in both directions")
    func rawPseudoTerminal() async throws {
        let terminal = try PseudoTerminal.open()
        defer { terminal.closeKeepAlive() }
        let primary = try await terminal.primaryChannel()
        let everyByte = (0...255).map { UInt8($0) }
        try await primary.executeThenClose { deviceInbound, deviceOutbound in
            try await SerialTransport(path: terminal.secondaryPath).withConnection { hostInbound, hostOutbound in
                try await hostOutbound.write(ByteBuffer(bytes: everyByte))
                let atDevice = try await Self.read(everyByte.count, from: deviceInbound)
                #expect(atDevice == everyByte, "host → device bytes changed (no raw mode?)")
                try await deviceOutbound.write(ByteBuffer(bytes: everyByte.reversed()))
                let atHost = try await Self.read(everyByte.count, from: hostInbound)
                #expect(atHost == everyByte.reversed(), "device → host bytes changed or echoed")
            }
        }
    }

    @Test("HIDTransport writes whole zero-padded 8-byte reports")
    func hidReportsOverPty() async throws {
        let terminal = try PseudoTerminal.open()
        defer { terminal.closeKeepAlive() }
        let primary = try await terminal.primaryChannel()
        try await primary.executeThenClose { deviceInbound, _ in
            try await HIDTransport(path: terminal.secondaryPath).withConnection { _, hostOutbound in
                try await hostOutbound.write(ByteBuffer(bytes: Array("MCHGC090".utf8) + [0x0E, 0x8F, 0x0D]))
                let atDevice = try await Self.read(16, from: deviceInbound)
                #expect(atDevice == Array("MCHGC090".utf8) + [0x0E, 0x8F, 0x0D, 0, 0, 0, 0, 0])
            }
        }
    }

    @Test("HIDReportFramer splits and pads each write into separate reports")
    func framer() throws {
        let channel = EmbeddedChannel(handler: HIDReportFramer(reportSize: 8))
        try channel.writeOutbound(ByteBuffer(bytes: Array(1...11)))
        let first = try #require(try channel.readOutbound(as: ByteBuffer.self))
        let second = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(Array(first.readableBytesView) == Array(1...8))
        #expect(Array(second.readableBytesView) == [9, 10, 11, 0, 0, 0, 0, 0])
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        _ = try channel.finish()
    }

    @Test("a regular file is not a device")
    func notADevice() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("heliograph-not-a-tty-\(UUID().uuidString)")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        await #expect {
            try await SerialTransport(path: file.path).withConnection { _, _ in }
        } throws: { error in
            (error as? HeliographError)?.code == .deviceUnavailable
        }
    }

    @Test("unsupported baud rates are a configuration error")
    func badBaud() async throws {
        let terminal = try PseudoTerminal.open()
        defer { terminal.closeAll() }
        await #expect {
            try await SerialTransport(path: terminal.secondaryPath, baudRate: 1_234).withConnection { _, _ in }
        } throws: { error in
            (error as? HeliographError)?.code == .invalidConfiguration
        }
    }
}
