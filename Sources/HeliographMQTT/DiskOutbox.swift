import Foundation
import HeliographCore
import HeliographMQTTCodec
import NIOCore

/// The durable queue of QoS 1 messages: an append-only log on disk, so messages published while
/// the broker is away (or before a crash) are delivered later, in order.
///
/// Each record is `[length u32][kind u8][sequence u64][body][crc32 u32]`; kind 1 adds a message,
/// kind 2 marks one acknowledged. Replay stops at the first torn or corrupt record (a crash mid
/// write) and truncates it away. When nothing is pending the log is truncated; when acknowledged
/// records dominate it is rewritten (temp file + rename), so it stays small.
public struct DiskOutbox {
    /// When appended messages are forced to the disk.
    public enum SyncPolicy: Sendable, Hashable {
        /// `fsync` after every message: survives power loss, costs one disk flush per publish.
        case everyMessage
        /// Leave flushing to the OS: survives a process crash, not a power cut.
        case never
    }

    public let fileURL: URL?
    public let syncPolicy: SyncPolicy
    public let capacity: Int
    private var handle: FileHandle?
    private(set) var pending: [UInt64: OutboxEntry] = [:]
    private var order: [UInt64] = []
    private var orderHead = 0
    private var acknowledgedRecords = 0
    private var nextSequence: UInt64 = 1
    /// Records dropped while replaying (torn tail or corruption); reported to the caller's log.
    public private(set) var discardedBytesOnOpen = 0

    /// Opens (or creates) the outbox in `directory`; nil keeps it in memory only.
    public init(directory: URL?, syncPolicy: SyncPolicy = .everyMessage, capacity: Int = 100_000) throws {
        self.syncPolicy = syncPolicy
        self.capacity = capacity
        guard let directory else {
            fileURL = nil
            return
        }
        let url = directory.appendingPathComponent("outbox.log")
        fileURL = url
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: url.path) {
                guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                    throw HeliographError(.storageFailure, "cannot create \(url.path)")
                }
            }
            let data = try Data(contentsOf: url)
            let validLength = replay(data)
            let handle = try FileHandle(forUpdating: url)
            if validLength < data.count {
                discardedBytesOnOpen = data.count - validLength
                try handle.truncate(atOffset: UInt64(validLength))
            }
            try handle.seekToEnd()
            self.handle = handle
        } catch let error as HeliographError {
            throw error
        } catch {
            throw HeliographError(.storageFailure, "cannot open MQTT outbox \(url.path)", underlying: error)
        }
    }


    /// Messages not yet acknowledged, oldest first.
    public var pendingEntries: [OutboxEntry] {
        order[orderHead...].compactMap { pending[$0] }
    }

    public var pendingCount: Int { pending.count }

    /// Durably appends a message and returns it numbered.
    public mutating func append(topic: String, payload: ByteBuffer, qos: QoS, retain: Bool) throws -> OutboxEntry {
        guard pending.count < capacity else {
            throw HeliographError(.rateLimited, "MQTT outbox holds \(capacity) unacknowledged messages; refusing more")
        }
        let entry = OutboxEntry(sequence: nextSequence, topic: topic, payload: payload, qos: qos, retain: retain)
        if let handle {
            var body = ByteBuffer()
            body.writeInteger(entry.qos.rawValue)
            body.writeInteger(UInt8(entry.retain ? 1 : 0))
            body.writeInteger(UInt16(entry.topic.utf8.count))
            body.writeString(entry.topic)
            body.writeInteger(UInt32(entry.payload.readableBytes))
            body.writeImmutableBuffer(entry.payload)
            do {
                try handle.write(contentsOf: Self.record(kind: 1, sequence: entry.sequence, body: body))
                if syncPolicy == .everyMessage { try handle.synchronize() }
            } catch {
                throw HeliographError(.storageFailure, "cannot append to MQTT outbox", underlying: error)
            }
        }
        nextSequence += 1
        pending[entry.sequence] = entry
        order.append(entry.sequence)
        return entry
    }

    /// Forgets an acknowledged message. Losing this record in a crash only means a duplicate
    /// delivery (allowed by QoS 1), so it is not synced.
    public mutating func acknowledge(_ sequence: UInt64) throws {
        guard pending.removeValue(forKey: sequence) != nil else { return }
        while orderHead < order.count, pending[order[orderHead]] == nil { orderHead += 1 }
        if orderHead > 1024 && orderHead * 2 > order.count {
            order.removeFirst(orderHead)
            orderHead = 0
        }
        guard let handle else { return }
        do {
            if pending.isEmpty {
                try handle.truncate(atOffset: 0)
                try handle.seek(toOffset: 0)
                acknowledgedRecords = 0
                return
            }
            try handle.write(contentsOf: Self.record(kind: 2, sequence: sequence, body: ByteBuffer()))
            acknowledgedRecords += 1
            if acknowledgedRecords > 4096 && acknowledgedRecords > 2 * pending.count { try compact() }
        } catch {
            throw HeliographError(.storageFailure, "cannot record an acknowledgement in the MQTT outbox", underlying: error)
        }
    }

    /// Rewrites the log with only pending messages, atomically.
    private mutating func compact() throws {
        guard let fileURL, let old = handle else { return }
        let temporary = fileURL.appendingPathExtension("compacting")
        var data = Data()
        for entry in pendingEntries {
            var body = ByteBuffer()
            body.writeInteger(entry.qos.rawValue)
            body.writeInteger(UInt8(entry.retain ? 1 : 0))
            body.writeInteger(UInt16(entry.topic.utf8.count))
            body.writeString(entry.topic)
            body.writeInteger(UInt32(entry.payload.readableBytes))
            body.writeImmutableBuffer(entry.payload)
            data.append(Self.record(kind: 1, sequence: entry.sequence, body: body))
        }
        try data.write(to: temporary)
        let fresh = try FileHandle(forUpdating: temporary)
        try fresh.synchronize()
        try fresh.close()
        // rename(2) replaces the log atomically: a crash leaves either the old or the new file.
        guard rename(temporary.path, fileURL.path) == 0 else {
            throw HeliographError(.storageFailure, "cannot replace \(fileURL.path) (errno \(errno))")
        }
        try old.close()
        let reopened = try FileHandle(forUpdating: fileURL)
        try reopened.seekToEnd()
        handle = reopened
        acknowledgedRecords = 0
    }

    private static func record(kind: UInt8, sequence: UInt64, body: ByteBuffer) -> Data {
        var record = ByteBuffer()
        record.writeInteger(UInt32(1 + 8 + body.readableBytes))
        record.writeInteger(kind)
        record.writeInteger(sequence)
        record.writeImmutableBuffer(body)
        let crc = CRC32.checksum(record.readableBytesView.dropFirst(4))
        record.writeInteger(crc)
        return Data(record.readableBytesView)
    }

    /// Loads records; returns the byte length of the valid prefix.
    private mutating func replay(_ data: Data) -> Int {
        var buffer = ByteBuffer(bytes: data)
        var valid = 0
        while let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) {
            let total = 4 + Int(length) + 4
            guard length >= 9, length < 1 << 28, buffer.readableBytes >= total else { break }
            let content = buffer.getSlice(at: buffer.readerIndex + 4, length: Int(length))!
            let crc = buffer.getInteger(at: buffer.readerIndex + 4 + Int(length), as: UInt32.self)!
            guard CRC32.checksum(content.readableBytesView) == crc, apply(content) else { break }
            buffer.moveReaderIndex(forwardBy: total)
            valid += total
        }
        return valid
    }

    private mutating func apply(_ record: ByteBuffer) -> Bool {
        var record = record
        guard let kind = record.readInteger(as: UInt8.self), let sequence = record.readInteger(as: UInt64.self) else { return false }
        nextSequence = max(nextSequence, sequence + 1)
        switch kind {
        case 1:
            guard let rawQoS = record.readInteger(as: UInt8.self), let qos = QoS(rawValue: rawQoS),
                let retain = record.readInteger(as: UInt8.self),
                let topicLength = record.readInteger(as: UInt16.self),
                let topic = record.readString(length: Int(topicLength)),
                let payloadLength = record.readInteger(as: UInt32.self),
                let payload = record.readSlice(length: Int(payloadLength)), record.readableBytes == 0
            else { return false }
            pending[sequence] = OutboxEntry(sequence: sequence, topic: topic, payload: payload, qos: qos, retain: retain == 1)
            order.append(sequence)
        case 2:
            pending.removeValue(forKey: sequence)
            acknowledgedRecords += 1
        default:
            return false
        }
        return true
    }
}

/// CRC-32 (IEEE 802.3, reflected 0xEDB88320), to detect torn or corrupt outbox records.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
