import HeliographCore
import HeliographTransport
import NIOCore

/// A transport whose connection always fails, for lifecycle tests that need no peer.
struct FailingTransport: ByteTransport {
    var address: String { "stub://nowhere" }

    func withConnection<Result: Sendable>(
        _ body: (NIOAsyncChannelInboundStream<ByteBuffer>, NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws -> Result
    ) async throws -> Result {
        throw HeliographError(.connectionFailed, "stub transport has no peer")
    }
}
