import struct Foundation.Date

/// One sink's counters: kept by its runner in the pipeline, shown in `/stats` and `/health`.
public struct SinkStatistics: Sendable, Hashable, Codable {
    public var sink: String
    /// Samples waiting to be written.
    public var buffered: Int
    public var written: Int
    /// Samples dropped because the buffer was full.
    public var dropped: Int
    public var writeErrors: Int
    public var lastError: String?
    public var lastWrite: Date?
    /// When the write now in progress started; nil between writes. A sink whose server is gone
    /// can hang in one write for its whole timeout without an error to show. Not part of `/stats`.
    public var writingSince: Date? = nil

    public init(
        sink: String, buffered: Int, written: Int, dropped: Int, writeErrors: Int, lastError: String?, lastWrite: Date?, writingSince: Date? = nil
    ) {
        self.sink = sink
        self.buffered = buffered
        self.written = written
        self.dropped = dropped
        self.writeErrors = writeErrors
        self.lastError = lastError
        self.lastWrite = lastWrite
        self.writingSince = writingSince
    }

    /// The `/stats` fields (`SinkStats` in the OpenAPI document).
    enum CodingKeys: String, CodingKey {
        case sink, buffered, written, dropped, writeErrors, lastError, lastWrite
    }
}
