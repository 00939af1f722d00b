import NIOCore

/// A link that carries raw bytes to and from a device: TCP, a serial line, a HID device, a pty.
///
/// The connection lives exactly as long as `body` runs (like `NIOAsyncChannel.executeThenClose`),
/// so no channel outlives its owner. Drivers apply their codec to `inbound` with `decode(using:)`.
public protocol ByteTransport: Sendable {
    /// Human-readable address for logs and errors (`tcp://10.0.0.5:8899`, `serial:///dev/ttyUSB0`).
    var address: String { get }

    func withConnection<Result: Sendable>(
        _ body: (NIOAsyncChannelInboundStream<ByteBuffer>, NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws -> Result
    ) async throws -> Result
}
