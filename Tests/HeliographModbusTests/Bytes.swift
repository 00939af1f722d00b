import NIOCore

/// Parses "00 01 0a" into bytes (test vectors are written as hex).
func hexBytes(_ text: String) -> [UInt8] {
    text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { UInt8($0, radix: 16)! }
}

func buffer(_ text: String) -> ByteBuffer {
    ByteBuffer(bytes: hexBytes(text))
}
