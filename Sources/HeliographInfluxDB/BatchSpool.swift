import Foundation
import HeliographCore

/// A first-in first-out queue of write batches that survives an InfluxDB outage and a restart.
///
/// Each batch is one file, `<sequence>.batch`, written to a temporary name, flushed and renamed into
/// place, so a crash leaves either the whole batch or none of it; sending deletes it. Unlike the
/// MQTT outbox (`DiskOutbox`: many small messages, acknowledged one by one, in one append-only log),
/// InfluxDB takes whole compressed batches, so a file per batch is the simpler crash-safe form.
/// With no directory the queue lives in memory. Past `maximumBytes` the oldest batches are dropped.
public struct BatchSpool: Sendable {
    public struct Batch: Sendable, Hashable {
        public var sequence: UInt64
        /// What goes on the wire (gzip-compressed line protocol).
        public var body: [UInt8]
        /// Lines (points) in the batch.
        public var points: Int
    }

    public let directory: URL?
    public let maximumBytes: Int
    private var entries: [(sequence: UInt64, bytes: Int, points: Int)] = []
    private var memory: [UInt64: [UInt8]] = [:]
    private var nextSequence: UInt64 = 1
    public private(set) var bytes = 0
    /// Batches dropped because the spool was full, since it was opened.
    public private(set) var droppedBatches = 0

    /// Opens the spool, finding batches a previous run left behind (and removing half-written ones).
    public init(directory: URL?, maximumBytes: Int = 512 << 20) throws {
        self.directory = directory
        self.maximumBytes = max(maximumBytes, 1 << 16)
        guard let directory else { return }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
                let url = directory.appendingPathComponent(name)
                if name.hasSuffix(".tmp") {
                    try? FileManager.default.removeItem(at: url)
                    continue
                }
                guard name.hasSuffix(".batch"), let sequence = UInt64(name.dropLast(6).split(separator: "-").first ?? "") else { continue }
                let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
                let points = Int(name.dropLast(6).split(separator: "-").last ?? "") ?? 0
                entries.append((sequence, size, points))
                bytes += size
            }
        } catch {
            throw HeliographError(.storageFailure, "cannot open the InfluxDB spool \(directory.path)", underlying: error)
        }
        entries.sort { $0.sequence < $1.sequence }
        nextSequence = (entries.last?.sequence ?? 0) + 1
    }

    public var count: Int { entries.count }
    /// The sequence number of the oldest batch, without reading it.
    public var firstSequence: UInt64? { entries.first?.sequence }
    public var isEmpty: Bool { entries.isEmpty }
    public var pendingPoints: Int { entries.reduce(0) { $0 + $1.points } }

    /// Adds a batch at the end, durably when on disk. Returns how many old batches were dropped to make room.
    @discardableResult
    public mutating func append(_ body: [UInt8], points: Int) throws -> Int {
        let sequence = nextSequence
        if let directory {
            let final = directory.appendingPathComponent(Self.fileName(sequence, points: points))
            let temporary = final.appendingPathExtension("tmp")
            do {
                guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                    throw HeliographError(.storageFailure, "cannot create \(temporary.path)")
                }
                let handle = try FileHandle(forWritingTo: temporary)
                try handle.write(contentsOf: body)
                try handle.synchronize()
                try handle.close()
                guard rename(temporary.path, final.path) == 0 else {
                    throw HeliographError(.storageFailure, "cannot rename \(temporary.lastPathComponent) (errno \(errno))")
                }
                // The rename itself must reach the disk too, or a power cut could forget the file.
                let directoryDescriptor = open(directory.path, O_RDONLY)
                if directoryDescriptor >= 0 {
                    fsync(directoryDescriptor)
                    close(directoryDescriptor)
                }
            } catch {
                try? FileManager.default.removeItem(at: temporary)
                throw HeliographError(.storageFailure, "cannot spool an InfluxDB batch in \(directory.path)", underlying: error)
            }
        } else {
            memory[sequence] = body
        }
        nextSequence += 1
        entries.append((sequence, body.count, points))
        bytes += body.count
        var dropped = 0
        while bytes > maximumBytes, entries.count > 1 {
            removeFirst()
            dropped += 1
        }
        droppedBatches += dropped
        return dropped
    }

    /// The oldest batch, read back from disk; nil when empty. A batch that cannot be read is dropped.
    public mutating func first() -> Batch? {
        while let entry = entries.first {
            if let directory {
                let url = directory.appendingPathComponent(Self.fileName(entry.sequence, points: entry.points))
                if let data = FileManager.default.contents(atPath: url.path) {
                    return Batch(sequence: entry.sequence, body: Array(data), points: entry.points)
                }
                removeFirst()
            } else if let body = memory[entry.sequence] {
                return Batch(sequence: entry.sequence, body: body, points: entry.points)
            } else {
                removeFirst()
            }
        }
        return nil
    }

    /// Forgets the oldest batch (sent, or rejected for good).
    public mutating func removeFirst() {
        guard !entries.isEmpty else { return }
        let entry = entries.removeFirst()
        bytes -= entry.bytes
        if let directory {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(Self.fileName(entry.sequence, points: entry.points)))
        } else {
            memory[entry.sequence] = nil
        }
    }

    /// `00000000000000000042-500.batch`: zero-padded so names sort in sending order; the point count rides along.
    static func fileName(_ sequence: UInt64, points: Int) -> String {
        let digits = String(sequence)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + "-\(points).batch"
    }
}
