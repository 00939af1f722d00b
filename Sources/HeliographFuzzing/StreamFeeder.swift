import NIOCore

/// Feeds bytes to a stream decoder the way a connection delivers them: in reads of varying size,
/// decoding after each read, then `decodeLast` at end of stream. Stops at the first thrown error,
/// as `decode(using:)` and `ByteToMessageHandler` do (the product closes the link there).
enum StreamFeeder {
    /// Splits `bytes` into reads: one whole read, single bytes, or random sizes up to `largest`.
    static func chunks(_ bytes: [UInt8], _ random: inout FuzzRandom, largest: Int = 64) -> [ArraySlice<UInt8>] {
        switch random.below(4) {
        case 0:
            return [bytes[...]]
        case 1 where bytes.count <= 256:
            return bytes.indices.map { bytes[$0...$0] }
        default:
            var pieces: [ArraySlice<UInt8>] = []
            var offset = 0
            while offset < bytes.count {
                let size = 1 + random.below(largest)
                pieces.append(bytes[offset..<min(bytes.count, offset + size)])
                offset += size
            }
            return pieces
        }
    }

    /// Runs `decoder` over `reads`; calls `handle` for each message. True when at least one
    /// message came out and no error was thrown.
    static func decode<Decoder: NIOSingleStepByteToMessageDecoder>(
        _ decoder: inout Decoder,
        reads: [ArraySlice<UInt8>],
        handle: (Decoder.InboundOut) -> Bool = { _ in true }
    ) -> Bool {
        var buffer = ByteBuffer()
        var messages = 0
        var acceptedAll = true
        // A decoder that returns messages without consuming bytes would loop here forever:
        // the bound turns that into a quick, visible hang instead of a silent one.
        let bound = reads.reduce(0) { $0 + $1.count } + 16
        do {
            for read in reads {
                buffer.writeBytes(read)
                while let message = try decoder.decode(buffer: &buffer) {
                    messages += 1
                    if !handle(message) { acceptedAll = false }
                    precondition(messages <= bound, "decoder produced more messages than bytes it was given")
                }
                buffer.discardReadBytes()
            }
            while let message = try decoder.decodeLast(buffer: &buffer, seenEOF: true) {
                messages += 1
                if !handle(message) { acceptedAll = false }
                precondition(messages <= bound, "decoder produced more messages than bytes it was given at end of stream")
            }
        } catch {
            return false
        }
        return messages > 0 && acceptedAll
    }
}
