import Foundation
import HeliographCore
import HeliographStorageBase
import Testing

@testable import HeliographSQLite

@Suite("Bit writer and reader")
struct BitStreamTests {
    @Test func fieldsOfEveryWidthRoundTrip() throws {
        var writer = BitWriter()
        var random = SplitMix64(seed: 7)
        var fields: [(UInt64, Int)] = []
        for width in [1, 2, 3, 5, 7, 8, 9, 13, 31, 32, 33, 63, 64, 0, 1, 64] {
            let value = width == 64 ? random.next() : random.next() & ((1 << UInt64(width)) - 1)
            fields.append((value, width))
            writer.writeBits(value, count: width)
        }
        let total = fields.reduce(0) { $0 + $1.1 }
        #expect(writer.bitCount == total)
        #expect(writer.bytes.count == (total + 7) / 8)
        var reader = BitReader(writer.bytes)
        for (value, width) in fields {
            #expect(try reader.readBits(width) == value)
        }
        #expect(reader.remainingBits < 8)
    }

    @Test func readingPastTheEndThrows() {
        var reader = BitReader([0xFF])
        #expect(throws: ChunkDecodingError.self) { try reader.readBits(9) }
    }
}

@Suite("Chunk codec (Gorilla)")
struct ChunkCodecTests {
    static func roundTrip(_ points: [StoredPoint]) throws -> [UInt8] {
        let bytes = ChunkCodec.encode(points)
        let decoded = try ChunkCodec.decode(bytes)
        #expect(decoded.count == points.count)
        for (a, b) in zip(decoded, points) {
            #expect(a.time == b.time)
            #expect(a.value.bitPattern == b.value.bitPattern, "value \(b.value) came back as \(a.value)")
        }
        return bytes
    }

    @Test func specialValuesRoundTripBitExactly() throws {
        let values: [Double] = [
            0, -0.0, .nan, -.nan, Double(bitPattern: 0x7FF4_0000_0000_0001), .infinity, -.infinity, 1, -1,
            .greatestFiniteMagnitude, .leastNonzeroMagnitude, -.leastNormalMagnitude, 0.1, 0.1 + 0.2, 1e300, -7.25, 7.25, 7.25,
        ]
        let points = values.enumerated().map { StoredPoint(time: 1_700_000_000_000 + Int64($0.offset) * 10_000, value: $0.element) }
        let bytes = try Self.roundTrip(points)
        #expect(bytes[0] == ChunkCodec.Format.xor.rawValue)
    }

    @Test func irregularTimesRoundTrip() throws {
        // Jitter, equal spacing, a night-long gap, a gap beyond 32 bits and times before 1970.
        let times: [Int64] = [
            -86_400_000, -1, 0, 10_000, 20_003, 29_998, 40_000, 50_000, 60_000, 60_001, 3_660_001, 50_000_000,
            50_000_000 + 5_000_000_000, 50_000_000 + 5_000_000_010, 9_000_000_000_000,
        ]
        let points = times.enumerated().map { StoredPoint(time: $0.element, value: Double($0.offset) * 1.5) }
        _ = try Self.roundTrip(points)
    }

    @Test func singlePointRoundTrips() throws {
        _ = try Self.roundTrip([StoredPoint(time: 42, value: -0.0)])
        _ = try Self.roundTrip([StoredPoint(time: 42, value: 230.1)])
    }

    @Test func randomBitPatternsRoundTrip() throws {
        var random = SplitMix64(seed: 1)
        var time: Int64 = 1_700_000_000_000
        var points: [StoredPoint] = []
        for _ in 0..<2_000 {
            time += Int64(random.next() % 20_000) + 1
            let value = random.next() % 4 == 0 ? Double(bitPattern: random.next()) : Double(Int(random.next() % 1_000)) / 10
            points.append(StoredPoint(time: time, value: value))
        }
        _ = try Self.roundTrip(points)
    }

    @Test func decimalValuesUseTheDecimalEncodingAndStaySmall() throws {
        var random = SplitMix64(seed: 3)
        var raw = 2_301
        let points = (0..<360).map { index -> StoredPoint in
            raw += random.step(3)
            return StoredPoint(time: 1_700_000_000_000 + Int64(index) * 10_000, value: Double(raw) / 10)
        }
        let bytes = try Self.roundTrip(points)
        #expect(bytes[0] == ChunkCodec.Format.decimal.rawValue)
        #expect(bytes[1] == 1)
        // A 0.1 V random walk every 10 s: one bit of time and about five of value per point.
        #expect(Double(bytes.count) / Double(points.count) < 1.2)
    }

    @Test func constantValuesAtASteadyIntervalCostAboutTwoBits() throws {
        let points = (0..<1_000).map { StoredPoint(time: Int64($0) * 10_000, value: 52.7) }
        let bytes = try Self.roundTrip(points)
        #expect(bytes.count < 1_000 * 2 / 8 + 32)
    }

    @Test func decimalDigitsDetection() {
        #expect(ChunkCodec.decimalDigits([1, 2, 300]) == 0)
        #expect(ChunkCodec.decimalDigits([230.1, 229.9]) == 1)
        #expect(ChunkCodec.decimalDigits([50.01, 49.99, 50]) == 2)
        #expect(ChunkCodec.decimalDigits([0.1 + 0.2]) == nil)
        #expect(ChunkCodec.decimalDigits([-0.0]) == nil)
        #expect(ChunkCodec.decimalDigits([.nan]) == nil)
        #expect(ChunkCodec.decimalDigits([1e20]) == nil)
    }

    @Test func corruptChunksThrowInsteadOfCrashing() throws {
        let bytes = ChunkCodec.encode((0..<100).map { StoredPoint(time: Int64($0) * 1_000, value: Double($0) * 0.37) })
        #expect(throws: ChunkDecodingError.self) { try ChunkCodec.decode([]) }
        #expect(throws: ChunkDecodingError.self) { try ChunkCodec.decode([99, 1, 2, 3]) }
        #expect(throws: ChunkDecodingError.self) { try ChunkCodec.decode(Array(bytes.prefix(bytes.count / 2))) }
        var huge = bytes
        huge[1] = 0xFF
        #expect(throws: ChunkDecodingError.self) { try ChunkCodec.decode(huge) }
        // Random garbage never traps; it either decodes to something or throws.
        var random = SplitMix64(seed: 11)
        for _ in 0..<500 {
            let garbage = [UInt8(1 + random.next() % 2)] + (0..<Int(random.next() % 40)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            _ = try? ChunkCodec.decode(garbage)
        }
    }
}
