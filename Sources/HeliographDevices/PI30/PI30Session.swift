import HeliographCore
import HeliographPI30
import Logging
import NIOCore

/// One open connection to an inverter: sends a command, waits for its reply.
struct PI30Session {
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let inbox: PI30ReplyInbox
    let framing: PI30Driver.Configuration.Framing
    let timeout: Duration
    let address: String
    let logger: Logger

    /// Sends `command` and returns its checked reply frame.
    func exchange(_ command: PI30Command) async throws -> PI30Frame {
        let stale = inbox.discardPending()
        if stale > 0 { logger.debug("discarded stale replies", metadata: ["pi30.stale": "\(stale)"]) }
        let frame = command.frameBytes
        switch framing {
        case .serial:
            try await outbound.write(ByteBuffer(bytes: frame))
        case .hid:
            try await outbound.write(contentsOf: PI30HIDFraming.reports(for: frame).map { ByteBuffer(bytes: $0) })
        }
        let inbox = self.inbox
        let reply = try await withTimeout(timeout, "\(command) reply from \(address)") {
            try await inbox.next()
        }
        logger.trace("pi30 exchange", metadata: ["pi30.command": "\(command)", "pi30.reply": "\(reply.payload)"])
        return reply
    }

    /// Sends `command` and decodes its reply.
    func ask(_ command: PI30Command) async throws -> PI30Response {
        try PI30Response.decode(try await exchange(command), for: command)
    }

    /// Like `ask`, but NAK (command unsupported by this model) gives nil.
    func optional(_ command: PI30Command) async throws -> PI30Response? {
        let response = try await ask(command)
        return response == .nak ? nil : response
    }
}
