import Foundation
import HeliographCore
import HeliographMQTT
import HeliographMQTTCodec
import HeliographTesting
import NIOCore
import Testing

@Suite("MQTT disk outbox")
struct DiskOutboxTests {
    @Test("pending messages survive reopening, in order, without acknowledged ones")
    func survivesReopen() throws {
        let directory = try makeTemporaryDirectory("outbox")
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            var outbox = try DiskOutbox(directory: directory)
            for index in 1...5 { _ = try outbox.append(topic: "t/\(index)", payload: ByteBuffer(string: "m\(index)"), qos: .atLeastOnce, retain: index == 5) }
            try outbox.acknowledge(2)
            try outbox.acknowledge(1)
        }
        var reopened = try DiskOutbox(directory: directory)
        #expect(reopened.pendingEntries.map(\.topic) == ["t/3", "t/4", "t/5"])
        #expect(reopened.pendingEntries.map(\.payload) == ["m3", "m4", "m5"].map { ByteBuffer(string: $0) })
        #expect(reopened.pendingEntries.last?.retain == true)
        // Sequence numbers continue after the highest one seen.
        #expect(try reopened.append(topic: "t/6", payload: ByteBuffer(), qos: .atLeastOnce, retain: false).sequence == 6)
    }

    @Test("the log is emptied once everything is acknowledged")
    func truncatesWhenDrained() throws {
        let directory = try makeTemporaryDirectory("outbox")
        defer { try? FileManager.default.removeItem(at: directory) }
        var outbox = try DiskOutbox(directory: directory)
        for index in 1...3 { _ = try outbox.append(topic: "t", payload: ByteBuffer(string: "\(index)"), qos: .atLeastOnce, retain: false) }
        let file = directory.appendingPathComponent("outbox.log")
        #expect(try Data(contentsOf: file).count > 0)
        for sequence in 1...3 { try outbox.acknowledge(UInt64(sequence)) }
        #expect(try Data(contentsOf: file).isEmpty)
        #expect(try DiskOutbox(directory: directory).pendingCount == 0)
    }

    @Test("many acknowledgements trigger compaction that keeps only pending messages", .cpuBound)
    func compacts() throws {
        let directory = try makeTemporaryDirectory("outbox")
        defer { try? FileManager.default.removeItem(at: directory) }
        var outbox = try DiskOutbox(directory: directory, syncPolicy: .never)
        _ = try outbox.append(topic: "keep", payload: ByteBuffer(string: "first"), qos: .atLeastOnce, retain: false)
        for index in 0..<6_000 {
            let entry = try outbox.append(topic: "t", payload: ByteBuffer(string: "\(index)"), qos: .atLeastOnce, retain: false)
            try outbox.acknowledge(entry.sequence)
        }
        let size = try Data(contentsOf: directory.appendingPathComponent("outbox.log")).count
        #expect(size < 6_000 * 20, "log was compacted (\(size) bytes)")
        let reopened = try DiskOutbox(directory: directory)
        #expect(reopened.pendingEntries.map(\.topic) == ["keep"])
    }

    @Test("a torn or corrupt tail is dropped and earlier records are kept")
    func tornTail() throws {
        let directory = try makeTemporaryDirectory("outbox")
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            var outbox = try DiskOutbox(directory: directory)
            _ = try outbox.append(topic: "a", payload: ByteBuffer(string: "1"), qos: .atLeastOnce, retain: false)
            _ = try outbox.append(topic: "b", payload: ByteBuffer(string: "2"), qos: .atLeastOnce, retain: false)
        }
        let file = directory.appendingPathComponent("outbox.log")
        var bytes = try Data(contentsOf: file)
        bytes.removeLast(3)  // a crash in the middle of writing "b"
        try bytes.write(to: file)
        let reopened = try DiskOutbox(directory: directory)
        #expect(reopened.pendingEntries.map(\.topic) == ["a"])
        #expect(reopened.discardedBytesOnOpen > 0)

        var flipped = try Data(contentsOf: file)
        flipped[flipped.count - 5] ^= 0xFF  // corrupt the payload of "a": CRC must catch it
        try flipped.write(to: file)
        #expect(try DiskOutbox(directory: directory).pendingCount == 0)
    }

    @Test("the outbox refuses messages beyond its capacity")
    func capacity() throws {
        var outbox = try DiskOutbox(directory: nil, capacity: 2)
        _ = try outbox.append(topic: "a", payload: ByteBuffer(), qos: .atLeastOnce, retain: false)
        _ = try outbox.append(topic: "a", payload: ByteBuffer(), qos: .atLeastOnce, retain: false)
        #expect(throws: HeliographError.self) { try outbox.append(topic: "a", payload: ByteBuffer(), qos: .atLeastOnce, retain: false) }
    }
}
